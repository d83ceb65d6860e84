// The run's secret scan (scripts/run-tests.mjs with leakScan.ts): a runner over a tiny compiled
// test tree that leaks on purpose fails and names the places; one that keeps its secrets passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { outputRoot, projectRoot } from './paths.js';
import { scanForSecrets } from './leakScan.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEAKTESTKEY';
const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDLEAKTESTTOKEN';

/** The project's .cache folder (absent in a fresh clone until something makes it). */
function cacheRoot(): string {
  const dir = join(projectRoot, '.cache');
  mkdirSync(dir, { recursive: true });
  return dir;
}

test('scanForSecrets: finds a secret in the output and in a leftover file, not in the files meant for it; links are not followed', () => {
  const dir = mkdtempSync(join(cacheRoot(), 'scan-'));
  try {
    const temp = join(dir, 'tmp');
    mkdirSync(join(temp, 'box', '.cache', 'rolegate', 'sessions'), { recursive: true });
    mkdirSync(join(temp, 'box', '.aws'), { recursive: true });
    writeFileSync(join(dir, 'output.txt'), `ok 1\n# leaked: ${TOKEN}\n`);
    writeFileSync(join(temp, 'box', 'exec-config.tmp'), `aws_secret_access_key = ${SECRET}\n`);
    writeFileSync(join(temp, 'box', '.cache', 'rolegate', 'sessions', 'role-admin.json'), JSON.stringify({ SessionToken: TOKEN }));
    writeFileSync(join(temp, 'box', '.aws', 'credentials'), `aws_secret_access_key = ${SECRET}\n`);
    symlinkSync('/dev/zero', join(temp, 'box', 'zero'));
    const report = scanForSecrets(
      [
        { kind: 'secret access key', value: SECRET },
        { kind: 'session token', value: TOKEN },
      ],
      { output: join(dir, 'output.txt'), tempDir: temp },
    );
    assert.deepEqual(report.leaks.sort(), ['a secret access key in the leftover file box/exec-config.tmp', 'a session token in the test output, line 2']);
    assert.equal(report.files, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The environment without what marks a child of node --test (which would then skip its files);
 * the planted files start no Python, so the inner runner starts no warm Pythons either. */
function withoutTestContext(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _marker, ROLEGATE_TEST_SECRETS_FILE: _registry, ROLEGATE_TEST_ALSO_NODE: _secondNode, ...env } = process.env;
  return { ...env, ROLEGATE_TEST_ZYGOTE: '0' };
}

/** A compiled test tree of one test file (and the scan module), run by the real runner. */
function runRunnerOn(testFile: string): { status: number | null; stderr: string; stdout: string } {
  const dir = mkdtempSync(join(cacheRoot(), 'scan-run-'));
  try {
    cpSync(join(outputRoot, 'test', 'harness'), join(dir, 'test', 'harness'), { recursive: true, filter: (p) => !p.endsWith('.test.js') });
    writeFileSync(join(dir, 'planted.test.js'), testFile);
    const run = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'run-tests.mjs'), '--dist', relative(projectRoot, dir), 'planted'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: withoutTestContext(),
    });
    return { status: run.status, stderr: run.stderr, stdout: run.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const plantedTest = (leak: boolean) => `
import { test } from 'node:test';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordSecretsOf } from './test/harness/secretRegistry.js';
test('sees secrets', () => {
  recordSecretsOf({ SecretAccessKey: ${JSON.stringify(SECRET)}, SessionToken: ${JSON.stringify(TOKEN)} });
  const box = mkdtempSync(join(tmpdir(), 'box-'));
  mkdirSync(join(box, '.aws'));
  writeFileSync(join(box, '.aws', 'credentials'), ${JSON.stringify(SECRET)});
  ${leak ? `writeFileSync(join(box, 'debug.log'), ${JSON.stringify(SECRET)}); console.log(${JSON.stringify(TOKEN)});` : ''}
});
`;

test('the runner fails a run that printed a session token and left a secret key in a temporary file, naming both places', () => {
  const run = runRunnerOn(plantedTest(true));
  assert.equal(run.status, 1);
  assert.match(run.stderr, /secret scan FAILED \(2 secrets noted/);
  assert.match(run.stderr, /a session token in the test output, line \d+/);
  assert.match(run.stderr, /a secret access key in the leftover file box-\w+\/debug\.log/);
  const report = run.stderr.slice(run.stderr.indexOf('secret scan FAILED'));
  assert.ok(!report.includes(SECRET) && !report.includes(TOKEN), 'the report does not repeat the secrets');
  const kept = /kept in (\S+) /.exec(report)?.[1];
  assert.ok(kept);
  rmSync(kept, { recursive: true, force: true });
});

test('the runner passes a run whose secrets stay in the files meant for them', () => {
  const run = runRunnerOn(plantedTest(false));
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stderr + run.stdout, /secret scan: no secret outside the files meant for it \(2 secrets noted; \d+ bytes of output and 0 leftover files searched\)/);
});
