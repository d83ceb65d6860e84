// `rolegate config get|set|unset` and `rolegate profiles` as a user runs them: on every corpus file,
// a set changes only the lines it must, the real `aws configure get` reads back what rolegate wrote,
// files rolegate cannot parse or may not write stay byte-identical, and concurrent edits all land.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { assertOnlyChanged, keyLines } from '../../src/config/editLocality.js';
import { SharedFileDocument } from '../../src/config/profileDocument.js';
import { splitLines } from '../../src/config/iniDocument.js';
import { projectRoot } from '../harness/paths.js';
import { runAws, runRolegate, type RunResult } from '../harness/run.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';

const corpus = join(projectRoot, 'test', 'fixtures', 'config-corpus');
const cases = readdirSync(corpus).sort();
const sandboxes: Sandbox[] = [];
after(() => sandboxes.forEach((s) => s.cleanup()));

function sandboxWith(name?: string): Sandbox {
  const sandbox = makeSandbox();
  sandboxes.push(sandbox);
  if (name) {
    for (const file of ['config', 'credentials'] as const) {
      const from = join(corpus, name, file);
      if (existsSync(from) && statSync(from).isFile()) copyFileSync(from, file === 'config' ? sandbox.configFile : sandbox.credentialsFile);
    }
  }
  return sandbox;
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** Runs promises a few at a time (the AWS CLI takes ~0.5 s to start; the machine has 2 cores). */
async function pool<T>(jobs: (() => Promise<T>)[], width = 3): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

const output = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** Whether botocore (and so rolegate) can read the corpus pair at all. */
function readable(name: string): boolean {
  try {
    for (const file of ['config', 'credentials'] as const) {
      const path = join(corpus, name, file);
      if (!existsSync(path) || !statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      new SharedFileDocument(file, new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
    }
    return true;
  } catch {
    return false;
  }
}

/** A profile of the corpus config worth editing: the first with a plain name, else a new one. */
function pickProfile(sandbox: Sandbox): string {
  const text = read(sandbox.configFile);
  const names = text ? new SharedFileDocument('config', text).profileNames() : [];
  return names.find((n) => /^[\w-]+$/.test(n)) ?? 'rolegate-e2e';
}

describe('rolegate config set on every corpus file', () => {
  const checks: (() => Promise<void>)[] = [];

  for (const name of cases) {
    test(`${name}: set changes only its lines`, async () => {
      const sandbox = sandboxWith(name);
      if (!readable(name)) {
        const before = { config: existsSync(sandbox.configFile) ? readFileSync(sandbox.configFile) : undefined, credentials: existsSync(sandbox.credentialsFile) ? readFileSync(sandbox.credentialsFile) : undefined };
        const result = await runRolegate(['config', 'set', 'default', 'region', 'eu-west-1'], { env: sandbox.env });
        const credsResult = await runRolegate(['config', 'set', '--credentials', 'default', 'aws_access_key_id', 'AKIAIOSFODNN7EXAMPLE'], { env: sandbox.env });
        const failed = [result, credsResult].filter((r) => r.code !== 0);
        assert.ok(failed.length > 0, 'a file botocore refuses must be refused');
        for (const r of failed) {
          assert.equal(r.code, 2, output(r));
          assert.match(r.stderr, /(config|credentials) line \d+: .*\n  next: fix line \d+/, output(r));
          assert.doesNotMatch(r.stderr, /wJalr|at .*\.js:\d+/, 'no secrets, no stack trace');
        }
        if (before.config) assert.deepEqual(readFileSync(sandbox.configFile), before.config);
        if (before.credentials) assert.deepEqual(readFileSync(sandbox.credentialsFile), before.credentials);
        assert.equal(existsSync(sandbox.configFile + '.rolegate.bak') && result.code !== 0, false);
        return;
      }
      const profile = pickProfile(sandbox);
      const region = `rg-${name.slice(0, 2)}`;
      const edits: { args: string[]; file: 'config' | 'credentials'; profile: string; key: string; value: string }[] = [
        { args: ['config', 'set', profile, 'region', region], file: 'config', profile, key: 'region', value: region },
        { args: ['config', 'set', profile, 's3.max_concurrent_requests', '7'], file: 'config', profile, key: 's3.max_concurrent_requests', value: '7' },
        { args: ['config', 'set', 'rolegate-e2e', 'output', 'json'], file: 'config', profile: 'rolegate-e2e', key: 'output', value: 'json' },
        { args: ['config', 'set', '--credentials', profile, 'aws_access_key_id', 'AKIAIOSFODNN7EXAMPLE'], file: 'credentials', profile, key: 'aws_access_key_id', value: 'AKIAIOSFODNN7EXAMPLE' },
      ];
      for (const edit of edits) {
        const path = edit.file === 'config' ? sandbox.configFile : sandbox.credentialsFile;
        const before = read(path);
        const existed = before !== '' && new SharedFileDocument(edit.file, before).hasProfile(edit.profile);
        const result = await runRolegate(edit.args, { env: sandbox.env });
        assert.equal(result.code, 0, output(result));
        assert.equal(result.stdout, '');
        const afterText = read(path);
        if (existed) {
          assertOnlyChanged(before, afterText, keyLines(edit.file, before, edit.profile, edit.key), keyLines(edit.file, afterText, edit.profile, edit.key));
        } else {
          const added = new Set<number>();
          for (let i = splitLines(before).length; i < splitLines(afterText).length; i++) added.add(i);
          assertOnlyChanged(before, afterText, new Set(), added);
        }
        const got = await runRolegate(['config', 'get', ...(edit.file === 'credentials' ? ['--credentials'] : ['--config']), edit.profile, edit.key], { env: sandbox.env });
        assert.equal(got.stdout, `${edit.value}\n`, output(got));
      }
      checks.push(async () => {
        for (const [key, prof, value] of [
          ['region', profile, region],
          ['s3.max_concurrent_requests', profile, '7'],
          ['output', 'rolegate-e2e', 'json'],
        ] as const) {
          const aws = await runAws(['configure', 'get', key, '--profile', prof], { env: sandbox.env });
          assert.equal(aws.stdout, `${value}\n`, `${name}: aws configure get ${key} --profile ${prof}\n${output(aws)}`);
        }
      });
    });
  }

  test('the real AWS CLI reads back every value rolegate wrote', async () => {
    assert.ok(checks.length >= 25, `${checks.length} corpus files edited`);
    await pool(checks);
  });
});

describe('rolegate config get', () => {
  test('prints the value botocore sees; exits 1 with no output when unset', async () => {
    const sandbox = sandboxWith('20-credentials-precedence');
    const run = (...args: string[]) => runRolegate(['config', 'get', ...args], { env: sandbox.env });
    assert.equal((await run('both', 'region')).stdout, 'ap-south-1\n');
    assert.equal((await run('--config', 'both', 'region')).stdout, 'eu-west-1\n');
    assert.equal((await run('both', 'output')).stdout, 'json\n');
    for (const args of [['both', 'nope'], ['missing', 'region'], ['--credentials', 'both', 'output']]) {
      const r = await run(...args);
      assert.equal(r.code, 1, output(r));
      assert.equal(r.stdout, '');
    }
    const aws = await runAws(['configure', 'get', 'nope', '--profile', 'both'], { env: sandbox.env });
    assert.equal(aws.code, 1, 'aws configure get exits 1 too');
  });
});

describe('rolegate config refuses safely', () => {
  test('a malformed file: clear error naming file and line, exit 2, byte-identical, no backup', async () => {
    const sandbox = sandboxWith();
    const bad = Buffer.from('[default]\r\nregion = us-east-1\r\naws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\n');
    writeFileSync(sandbox.credentialsFile, bad, { mode: 0o600 });
    const r = await runRolegate(['config', 'set', '--credentials', 'default', 'region', 'eu-west-1'], { env: sandbox.env });
    assert.equal(r.code, 2, output(r));
    assert.match(r.stderr, /~\/\.aws\/credentials line 3/);
    assert.doesNotMatch(r.stderr, /wJalr/);
    assert.deepEqual(readFileSync(sandbox.credentialsFile), bad);
    assert.equal(existsSync(sandbox.credentialsFile + '.rolegate.bak'), false);
  });

  test('a read-only file: clear error, exit 1, byte-identical', async () => {
    const sandbox = sandboxWith('02-crlf');
    const original = readFileSync(sandbox.configFile);
    chmodSync(sandbox.configFile, 0o444);
    const r = await runRolegate(['config', 'set', 'dev', 'region', 'eu-west-1'], { env: sandbox.env });
    assert.equal(r.code, 1, output(r));
    assert.match(r.stderr, /~\/\.aws\/config is read-only/);
    assert.match(r.stderr, /next: make it writable/);
    assert.deepEqual(readFileSync(sandbox.configFile), original);
    assert.equal(statSync(sandbox.configFile).mode & 0o777, 0o444);
    assert.equal(existsSync(sandbox.configFile + '.rolegate.bak'), false);
  });

  test('a secret on the command line is refused without echoing it', async () => {
    const sandbox = sandboxWith();
    const r = await runRolegate(['config', 'set', 'default', 'aws_secret_access_key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'], { env: sandbox.env });
    assert.equal(r.code, 2, output(r));
    assert.doesNotMatch(r.stderr + r.stdout, /wJalr/);
    assert.equal(existsSync(sandbox.credentialsFile), false);
    const ok = await runRolegate(['config', 'set', 'default', 'aws_secret_access_key', '-'], { env: sandbox.env, input: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' });
    assert.equal(ok.code, 0, output(ok));
    assert.equal(read(sandbox.credentialsFile), '[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    assert.equal(statSync(sandbox.credentialsFile).mode & 0o777, 0o600);
  });
});

describe('concurrent rolegate processes', () => {
  test('ten processes editing one file at once: every edit lands, the backup is a whole file', async () => {
    const sandbox = sandboxWith('37-realistic-mix');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => runRolegate(['config', 'set', i % 2 ? `p${i}` : 'default', `key${i}`, `value${i}`], { env: sandbox.env })),
    );
    for (const r of results) assert.equal(r.code, 0, output(r));
    const doc = new SharedFileDocument('config', read(sandbox.configFile));
    for (let i = 0; i < 10; i++) assert.equal(doc.getValue(i % 2 ? `p${i}` : 'default', `key${i}`), `value${i}`);
    assert.equal(doc.getValue('prod-admin', 'mfa_serial'), 'arn:aws:iam::123456789012:mfa/alice');
    new SharedFileDocument('config', read(sandbox.configFile + '.rolegate.bak'));
    assert.equal(existsSync(sandbox.configFile + '.rolegate.lock'), false);
  });
});

describe('rolegate profiles', () => {
  test('lists kinds, sources, regions and risks; --json for programs', async () => {
    const sandbox = sandboxWith('37-realistic-mix');
    const text = await runRolegate(['profiles'], { env: sandbox.env });
    assert.equal(text.code, 0, output(text));
    assert.match(text.stdout, /^PROFILE\s+KIND\s+SOURCE\s+REGION\s+NOTE$/m);
    assert.match(text.stdout, /^readonly\s+static long-term key\s+-\s+us-east-1\s+! long-term access key in plaintext/m);
    assert.match(text.stdout, /^prod-admin\s+role with MFA\s+readonly\s+-\s*$/m);
    assert.match(text.stdout, /^poweruser\s+role \(no MFA\)\s+readonly\s+-\s+! admin-looking role without mfa_serial/m);
    assert.match(text.stdout, /^sso-dev\s+SSO\s+corp/m);
    assert.match(text.stdout, /^ci\s+credential_process/m);
    assert.match(text.stdout, /^temp\s+static session key/m);
    assert.doesNotMatch(text.stdout, /wJalr|AKIA/);
    const json = await runRolegate(['profiles', '--json'], { env: sandbox.env });
    const rows = JSON.parse(json.stdout) as { name: string; kind: string; source: string | null; risk: string | null }[];
    assert.deepEqual(rows.map((r) => r.name), ['default', 'readonly', 'prod-admin', 'poweruser', 'sso-dev', 'legacy-sso', 'ci', 'temp']);
    assert.deepEqual(rows.find((r) => r.name === 'poweruser'), { ...rows.find((r) => r.name === 'poweruser'), kind: 'role', source: 'readonly', risk: 'admin-looking role without mfa_serial' });
    assert.doesNotMatch(json.stdout, /wJalr/);
  });

  test('the rolegate store layout shows roles via rolegate', async () => {
    const sandbox = sandboxWith('36-rolegate-store-layout');
    const rows = JSON.parse((await runRolegate(['profiles', '--json'], { env: sandbox.env })).stdout) as { name: string; kind: string; source: string | null }[];
    assert.deepEqual(rows.map((r) => [r.name, r.kind, r.source]), [
      ['default', 'rolegate-session', null],
      ['admin', 'rolegate-role-mfa', 'default'],
    ]);
  });

  test('a file it cannot parse is a clear error', async () => {
    const sandbox = sandboxWith('11-duplicate-key');
    const r = await runRolegate(['profiles'], { env: sandbox.env });
    assert.equal(r.code, 2, output(r));
    assert.match(r.stderr, /~\/\.aws\/config line 3: key "region" appears twice in \[default\]/);
  });
});
