// `rolegate setup --emit`: the templates pass cfn-lint, checkov and python-hcl2 (no AWS: nothing
// here starts moto). test/e2e/emitDeploy.test.ts applies them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hclVenvBin, iacVenvBin, projectRoot } from '../harness/paths.js';
import { run } from '../harness/run.js';
import { cloudFormationTemplate } from '../../src/emit/cloudFormation.js';
import { SETUP_DEFAULTS } from '../../src/setup/options.js';
import { emit, workDir } from './emitSupport.js';

/** checkov findings accepted by design; each is explained in docs/organizations.md. */
const ACCEPTED_CHECKOV = ['CKV_AWS_273', 'CKV_AWS_40', 'CKV_AWS_274'];

test('the emitted templates say the MFA device and key are personal, and ask for no credentials', async () => {
  // no AWS variable, no config file, no endpoint: emitting makes no AWS call
  for (const format of ['cloudformation', 'terraform']) {
    const text = await emit(['--emit', format]);
    assert.match(text.replace(/\s+#?\s*/g, ' '), /No MFA device and no access key are in it/);
    assert.match(text, /without --adopt/);
  }
});

test('cfn-lint finds no error and no warning in the CloudFormation templates', async () => {
  const dir = workDir();
  try {
    const files = [];
    for (const [name, args] of [['single', []], ['user-trust', ['--trust', 'user']], ['many', ['--users', 'alice,bob']]] as const) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, await emit(['--emit', 'cloudformation', ...args]));
      files.push(file);
    }
    const lint = await run(join(iacVenvBin, 'cfn-lint'), files, { env: { PATH: process.env.PATH, HOME: dir } });
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    // the YAML reads back as the template object (our writer quotes what it must)
    const loaded = await run(join(iacVenvBin, 'python'), ['-c', 'import yaml, json, sys; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
      env: { PATH: process.env.PATH, HOME: dir },
      input: readFileSync(files[2]!, 'utf8'),
    });
    assert.deepEqual(JSON.parse(loaded.stdout), cloudFormationTemplate({ ...SETUP_DEFAULTS, users: ['alice', 'bob'] }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkov fails no check on either output but those docs/organizations.md explains', async () => {
  const dir = workDir();
  try {
    for (const [name, args] of [['single', []], ['many', ['--users', 'alice,bob']]] as const) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'template.yaml'), await emit(['--emit', 'cloudformation', ...args]));
      writeFileSync(join(dir, name, 'main.tf'), await emit(['--emit', 'terraform', ...args]));
    }
    const scan = await run(
      join(iacVenvBin, 'checkov'),
      ['-d', dir, '--framework', 'cloudformation', 'terraform', '--skip-download', '--quiet', '-o', 'json'],
      { env: { PATH: process.env.PATH, HOME: dir, BC_SKIP_MAPPING: 'TRUE' }, timeoutMs: 120_000 },
    );
    const reports = [JSON.parse(scan.stdout)].flat() as Array<{ check_type: string; results: { failed_checks: Array<{ check_id: string; resource: string }> }; summary: { passed: number } }>;
    assert.deepEqual(reports.map((r) => r.check_type).sort(), ['cloudformation', 'terraform']);
    for (const report of reports) assert.ok(report.summary.passed > 10, `${report.check_type}: checkov ran its IAM checks`);
    const failed = reports.flatMap((r) => r.results.failed_checks.map((f) => `${f.check_id} ${f.resource}`));
    const unexplained = failed.filter((f) => !ACCEPTED_CHECKOV.includes(f.split(' ')[0]!));
    assert.deepEqual(unexplained, [], scan.stdout.slice(0, 2000));
    const docs = readFileSync(join(projectRoot, 'docs', 'organizations.md'), 'utf8');
    for (const id of ACCEPTED_CHECKOV) assert.match(docs, new RegExp(`${id}\\b`), `${id} is explained in docs/organizations.md`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('python-hcl2 parses the Terraform into the resources setup builds, one set per person', async () => {
  const parse = async (text: string) => {
    const result = await run(join(hclVenvBin, 'python'), ['-c', 'import hcl2, json, sys; print(json.dumps(hcl2.load(sys.stdin)))'], {
      env: { PATH: process.env.PATH, HOME: tmpdir() },
      input: text,
    });
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as { resource: Array<Record<string, Record<string, Record<string, unknown>>>>; variable: Array<Record<string, unknown>> };
  };
  const resources = (hcl: Awaited<ReturnType<typeof parse>>) =>
    hcl.resource.flatMap((r) => Object.entries(r).flatMap(([type, named]) => Object.keys(named).map((name) => `${type}.${name}`.replaceAll('"', '')))).sort();
  const expected = [
    'aws_iam_role.admin',
    'aws_iam_role_policy_attachment.admin',
    'aws_iam_user.read_only',
    'aws_iam_user_policy.assume_admin',
    'aws_iam_user_policy_attachment.read_only',
  ];
  const single = await parse(await emit(['--emit', 'terraform']));
  assert.deepEqual(resources(single), expected);
  assert.deepEqual(single.variable.map((v) => Object.keys(v)[0]!.replaceAll('"', '')), ['user_name', 'role_name', 'policy_name', 'read_policy', 'admin_policy', 'role_duration', 'trust']);
  const many = await parse(await emit(['--emit', 'terraform', '--users', 'alice,bob']));
  assert.deepEqual(resources(many), expected);
  for (const r of many.resource) for (const named of Object.values(r)) for (const body of Object.values(named)) assert.ok('for_each' in body);
});
