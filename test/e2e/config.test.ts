// `rolegate config get|set|unset` and `rolegate profiles` as a user runs them: on every corpus file,
// a set changes only the lines it must, the real `aws configure get` reads back what rolegate wrote,
// files rolegate cannot parse or may not write stay byte-identical, and concurrent edits all land.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { assertOnlyChanged, keyLines } from '../generators/editLocality.js';
import { SharedFileDocument } from '../../src/config/profileDocument.js';
import { readSharedProfiles } from '../../src/config/profiles.js';
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

const output = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** The file of a corpus pair that botocore (and so rolegate) refuses, if any. */
function unreadableFile(name: string): 'config' | 'credentials' | undefined {
  for (const file of ['config', 'credentials'] as const) {
    const path = join(corpus, name, file);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    try {
      new SharedFileDocument(file, new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(path)));
    } catch {
      return file;
    }
  }
  return undefined;
}

/** A profile of the corpus config worth editing: the first with a plain name, else a new one. */
function pickProfile(sandbox: Sandbox): string {
  const text = read(sandbox.configFile);
  const names = text ? new SharedFileDocument('config', text).profileNames() : [];
  return names.find((n) => /^[\w-]+$/.test(n)) ?? 'rolegate-e2e';
}

interface Edit {
  file: 'config' | 'credentials';
  profile: string;
  key: string;
  value: string;
}

/** Runs `rolegate config set` and checks that only the lines of the key changed. */
async function setAndCheck(sandbox: Sandbox, edit: Edit): Promise<'set' | 'refused'> {
  const path = edit.file === 'config' ? sandbox.configFile : sandbox.credentialsFile;
  const before = read(path);
  const beforeDoc = before === '' ? undefined : new SharedFileDocument(edit.file, before);
  const existed = beforeDoc?.hasProfile(edit.profile) ?? false;
  const args = ['config', 'set', ...(edit.file === 'credentials' ? ['--credentials'] : []), edit.profile, edit.key, edit.value];
  const result = await runRolegate(args, { env: sandbox.env });
  if (beforeDoc?.isNestedGroup(edit.profile, edit.key.split('.')[0]!) === false && edit.key.includes('.') && beforeDoc.getValue(edit.profile, edit.key.split('.')[0]!)) {
    // s3 = text cannot take nested keys: refused, untouched
    assert.equal(result.code, 2, output(result));
    assert.equal(read(path), before);
    return 'refused';
  }
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
  assert.equal(new SharedFileDocument(edit.file, afterText).getValue(edit.profile, edit.key), edit.value);
  return 'set';
}

describe('rolegate config set on every corpus file', { concurrency: 3 }, () => {
  cases.forEach((name, index) => {
    test(`${name}: set changes only its lines; aws configure get reads them back`, async () => {
      const sandbox = sandboxWith(name);
      const broken = unreadableFile(name);
      if (broken) {
        const path = broken === 'config' ? sandbox.configFile : sandbox.credentialsFile;
        const original = readFileSync(path);
        const args = ['config', 'set', ...(broken === 'credentials' ? ['--credentials'] : []), 'default', 'region', 'eu-west-1'];
        const r = await runRolegate(args, { env: sandbox.env });
        assert.equal(r.code, 2, output(r));
        assert.match(r.stderr, new RegExp(`~/\\.aws/${broken} line \\d+: .*\\n  next: fix line \\d+`), output(r));
        assert.doesNotMatch(r.stderr, /wJalr|at .*\.js:\d+/, 'no secrets, no stack trace');
        assert.deepEqual(readFileSync(path), original);
        assert.equal(existsSync(path + '.rolegate.bak'), false);
        return;
      }
      const profile = pickProfile(sandbox);
      const region = `rg-${name.slice(0, 2)}`;
      const readBack: [string, string, string][] = [];
      await setAndCheck(sandbox, { file: 'config', profile, key: 'region', value: region });
      readBack.push(['region', profile, region]);
      // every corpus file gets the nested edit; the AWS CLI (slow to start) reads back one extra value per file, in turn
      if ((await setAndCheck(sandbox, { file: 'config', profile, key: 's3.max_concurrent_requests', value: '7' })) === 'set' && index % 3 === 2) {
        readBack.push(['s3.max_concurrent_requests', profile, '7']);
      }
      if (index % 3 === 0) {
        await setAndCheck(sandbox, { file: 'config', profile: 'rolegate-e2e', key: 'output', value: 'json' });
        readBack.push(['output', 'rolegate-e2e', 'json']);
      }
      if (index % 3 === 1) {
        await setAndCheck(sandbox, { file: 'credentials', profile, key: 'aws_access_key_id', value: 'AKIAIOSFODNN7EXAMPLE' });
        readBack.push(['aws_access_key_id', profile, 'AKIAIOSFODNN7EXAMPLE']);
      }
      // what the AWS CLI must print: our value, unless the credentials file overrides it (botocore's rule)
      const shared = await readSharedProfiles(sandbox.env);
      for (const [key, prof, value] of readBack) {
        const credentialsValue = shared.credentials.get(prof)?.[key.split('.')[0]!];
        const expected = key.includes('.') || credentialsValue === undefined ? value : String(credentialsValue);
        const aws = await runAws(['configure', 'get', key, '--profile', prof], { env: sandbox.env });
        assert.equal(aws.stdout, `${expected}\n`, `aws configure get ${key} --profile ${prof}\n${output(aws)}`);
      }
    });
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

describe('rolegate config unset', () => {
  test('removes only the lines of the key; the AWS CLI no longer sees it', async () => {
    const sandbox = sandboxWith('09-nested-s3');
    const before = read(sandbox.configFile);
    const r = await runRolegate(['config', 'unset', 'default', 's3.max_concurrent_requests'], { env: sandbox.env });
    assert.equal(r.code, 0, output(r));
    const afterText = read(sandbox.configFile);
    assertOnlyChanged(before, afterText, keyLines('config', before, 'default', 's3.max_concurrent_requests'), new Set());
    const r2 = await runRolegate(['config', 'unset', 'default', 'api_versions'], { env: sandbox.env });
    assert.equal(r2.code, 0, output(r2));
    assertOnlyChanged(afterText, read(sandbox.configFile), keyLines('config', afterText, 'default', 'api_versions'), new Set());
    const again = await runRolegate(['config', 'unset', 'default', 'api_versions'], { env: sandbox.env });
    assert.equal(again.code, 0, 'nothing to remove is not an error');
    const aws = await runAws(['configure', 'get', 's3.max_concurrent_requests', '--profile', 'default'], { env: sandbox.env });
    assert.equal(aws.code, 1, output(aws));
    const kept = await runAws(['configure', 'get', 's3.addressing_style', '--profile', 'default'], { env: sandbox.env });
    assert.equal(kept.stdout, 'virtual\n', output(kept));
  });
});

describe('rolegate config set with awkward names', () => {
  test('a profile name with spaces and quotes gets a section the AWS CLI reads back', async () => {
    const sandbox = sandboxWith('15-quoted-names');
    const name = `team "blue" ops`;
    const r = await runRolegate(['config', 'set', name, 'region', 'ca-central-1'], { env: sandbox.env });
    assert.equal(r.code, 0, output(r));
    assert.match(read(sandbox.configFile), /\n\[profile "team \\"blue\\" ops"\]\nregion = ca-central-1\n$/);
    const aws = await runAws(['configure', 'get', 'region', '--profile', name], { env: sandbox.env });
    assert.equal(aws.stdout, 'ca-central-1\n', output(aws));
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
