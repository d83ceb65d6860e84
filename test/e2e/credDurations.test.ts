/**
 * Role durations that work on AWS, and commands that outlive one set of role credentials: the
 * session chain caps a role at AWS's 1-hour limit, the direct chain asks for the role's maximum
 * with an MFA code, short roles are cached, exec's endpoint renews for a long-running child.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runBoto3, runRolegate } from '../harness/run.js';
import { venvBin } from '../harness/paths.js';
import { useCredAccount, mfaProcessRuns, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store', extraEnv: { PATH: `${venvBin}:${process.env.PATH}` } }, (made) => ({ box, account } = made));

const python = join(venvBin, 'python');

function appendToAdmin(line: string): void {
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8') + `${line}\n`);
}

async function credentialProcess(profile: string) {
  const result = await runRolegate(['credential-process', profile], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  return { ...(JSON.parse(result.stdout) as { AccessKeyId: string; Expiration: string }), stderr: result.stderr };
}

const hoursLeft = (expiration: string) => (Date.parse(expiration) - Date.now()) / 3_600_000;
const count = async (action: string) => (await moto.requests()).filter((r) => r.action === action);

test('session chain: duration_seconds 43200 is capped at 1 hour, and the warning says why and what to set instead', async () => {
  appendToAdmin('duration_seconds = 43200');
  const first = await credentialProcess('admin');
  assert.ok(hoursLeft(first.Expiration) <= 1.01, `role credentials last ${hoursLeft(first.Expiration)} h`);
  assert.match(first.stderr, /capped at 3600: AWS limits a role assumed with the MFA session .* to 1 hour; for longer role sessions set rolegate_role_chain = direct/);
  assert.equal((await count('GetSessionToken')).length, 1);
  assert.equal((await count('AssumeRole')).length, 1);
});

test('direct chain: the role is assumed with the long-term key and one MFA code for six processes started together, for its full duration, then cached', async () => {
  // the strict layer refuses more than the role's MaxSessionDuration, as AWS does
  await runBoto3('import boto3; boto3.client("iam").update_role(RoleName="admin", MaxSessionDuration=43200); print(1)', {
    env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap' },
  });
  await moto.clearRequests();
  appendToAdmin('duration_seconds = 43200\nrolegate_role_chain = direct');
  const all = await Promise.all([1, 2, 3, 4, 5, 6].map(() => credentialProcess('admin')));
  const first = all[0]!;
  assert.ok(hoursLeft(first.Expiration) > 11.9, `role credentials last ${hoursLeft(first.Expiration)} h`);
  assert.equal(new Set(all.map((c) => c.AccessKeyId)).size, 1, 'one role session for all');
  assert.equal((await credentialProcess('admin')).AccessKeyId, first.AccessKeyId, 'served from the cache');
  assert.equal((await count('GetSessionToken')).length, 0, 'no MFA session in the direct chain');
  const assumed = await count('AssumeRole');
  assert.equal(assumed.length, 1);
  assert.match(assumed[0]?.access_key ?? '', /^AKIA/, 'signed with the long-term key');
  assert.equal(mfaProcessRuns(account), 1);
});

test('an unknown rolegate_role_chain is refused with the two values it may take', async () => {
  appendToAdmin('rolegate_role_chain = sideways');
  const result = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /rolegate_role_chain of profile admin is sideways; it is session or direct/);
  assert.equal((await moto.requests()).length, 0);
});

test('duration_seconds 900: role credentials are cached and reused (three calls, one AssumeRole)', async () => {
  appendToAdmin('duration_seconds = 900');
  const keys = new Set<string>();
  for (let i = 0; i < 3; i++) keys.add((await credentialProcess('admin')).AccessKeyId);
  assert.equal(keys.size, 1);
  assert.equal((await count('AssumeRole')).length, 1);
});

test('exec --env-only renews cached role credentials with less than 40 minutes left; credential-process still serves them', async () => {
  const cached = await credentialProcess('admin');
  const dir = join(box.home, '.cache', 'rolegate', 'sessions');
  const file = join(dir, readdirSync(dir).find((n) => n.startsWith('role-'))!);
  const entry = JSON.parse(readFileSync(file, 'utf8'));
  // a 1-hour role fetched 40 minutes ago
  entry.createdAt = new Date(Date.now() - 40 * 60_000).toISOString();
  entry.Credentials.Expiration = new Date(Date.now() + 20 * 60_000).toISOString();
  writeFileSync(file, JSON.stringify(entry), { mode: 0o600 });
  assert.equal((await credentialProcess('admin')).AccessKeyId, cached.AccessKeyId, '20 minutes left is enough for credential-process');
  const result = await runRolegate(['exec', 'admin', '--env-only', '--', 'sh', '-c', 'echo "$AWS_ACCESS_KEY_ID $AWS_CREDENTIAL_EXPIRATION $ROLEGATE_PROFILE $ROLEGATE_EXPIRATION"'], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  const [key, expiration, profile, marker] = result.stdout.trim().split(' ');
  assert.notEqual(key, cached.AccessKeyId, 'renewed');
  assert.ok(hoursLeft(expiration!) > 0.9, `the command got ${hoursLeft(expiration!)} h`);
  assert.equal(profile, 'admin');
  assert.equal(marker, expiration);
  assert.equal(mfaProcessRuns(account), 1, 'renewed from the session, no new code');
});

test('exec: a boto3 child outlives its first role credentials and keeps calling AWS (TEST HOOK ROLEGATE_TEST_ROLE_LIFETIME_SECONDS shortens their life to 6 s)', { timeout: 60_000 }, async () => {
  const script = `
import boto3, time, json
sts = boto3.client("sts", region_name="us-east-1")
keys = []
for i in range(10):
    sts.get_caller_identity()
    keys.append(sts._request_signer._credentials.get_frozen_credentials().access_key)
    time.sleep(1)
print(json.dumps(keys))
`;
  const result = await runRolegate(['exec', 'admin', '--', python, '-c', script], { env: { ...box.env, ROLEGATE_TEST_ROLE_LIFETIME_SECONDS: '6' }, timeoutMs: 50_000 });
  assert.equal(result.code, 0, result.stderr);
  const keys = JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
  assert.equal(keys.length, 10, 'every call succeeded');
  assert.ok(new Set(keys).size >= 2, `the child got renewed credentials: ${new Set(keys).size} distinct keys`);
  const calls = await count('GetCallerIdentity');
  assert.equal(calls.length, 10);
  assert.ok(calls.every((c) => /^ASIA/.test(c.access_key ?? '')));
  assert.equal(mfaProcessRuns(account), 1, 'renewals come from the MFA session');
});

test("exec's endpoint refuses a request without the token or with a wrong one, and is gone when the command ends", async () => {
  const script = `
import os, urllib.request, urllib.error, json
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
def status(headers):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
print(json.dumps({"url": url, "none": status({}), "wrong": status({"Authorization": "x" * 43}), "right": status({"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})}))
`;
  const result = await runRolegate(['exec', 'admin', '--', python, '-c', script], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  const seen = JSON.parse(result.stdout) as { url: string; none: number; wrong: number; right: number };
  assert.deepEqual([seen.none, seen.wrong, seen.right], [403, 403, 200]);
  assert.match(seen.url, /^http:\/\/127\.0\.0\.1:\d+\/rolegate\/[0-9a-f]{32}$/);
  await assert.rejects(fetch(seen.url), 'nothing listens after the command ended');
});

test('exec with no command starts $SHELL with the credentials; a missing program exits 127; an option after the profile gets a hint to use --', async () => {
  const shell = await runRolegate(['exec', 'admin'], { env: { ...box.env, SHELL: '/bin/sh' }, input: 'aws sts get-caller-identity --output json\n' });
  assert.equal(shell.code, 0, shell.stderr);
  assert.match(JSON.parse(shell.stdout).Arn, /:assumed-role\/admin\//);
  assert.match(shell.stderr, /starting \/bin\/sh with the credentials of admin/);
  const missing = await runRolegate(['exec', 'admin', '--', 'no-such-program-here'], { env: box.env });
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /command not found: no-such-program-here/);
  const stray = await runRolegate(['exec', 'admin', 'aws', 's3', 'ls', '--recursive'], { env: box.env });
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /unknown exec option --recursive; options of the command go after --\n\s+next: rolegate exec admin -- aws s3 ls --recursive/);
  const noDashes = await runRolegate(['exec', 'admin', 'aws', 'sts'], { env: box.env });
  assert.equal(noDashes.code, 2);
  assert.match(noDashes.stderr, /rolegate exec admin -- aws sts/);
});

test('exec falls back to plain variables, and says why, when [default] in the credentials file has a key of its own', async () => {
  // rolegate keeps taking the key from its store (rolegate_store); the SDKs would take this one
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8').replace('[default]\n', '[default]\nrolegate_store = file\n'));
  writeFileSync(box.credentialsFile, '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = not-used\n', { mode: 0o600 });
  const exec = await runRolegate(['exec', 'admin', '--', 'sh', '-c', 'test -n "$AWS_SESSION_TOKEN" && aws sts get-caller-identity --output json'], { env: box.env });
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(exec.stderr, /passing plain variables instead of the credentials endpoint: the credentials file gives \[default\] credentials of its own/);
  assert.match(JSON.parse(exec.stdout).Arn, /:assumed-role\/admin\//);
});

test('config set refuses duration_seconds over 1 h in the session chain, saying why; with the direct chain it is taken; profiles says which chain', async () => {
  const before = readFileSync(box.configFile, 'utf8');
  const refused = await runRolegate(['config', 'set', 'admin', 'duration_seconds', '43200'], { env: box.env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /would ask for 43200 s role sessions, which AWS refuses: AWS limits a role assumed with the MFA session .* to 1 hour/);
  assert.match(refused.stderr, /next: rolegate config set admin rolegate_role_chain direct/);
  assert.equal(readFileSync(box.configFile, 'utf8'), before, 'nothing written');
  const listed = await runRolegate(['profiles'], { env: box.env });
  assert.match(listed.stdout, /^admin\s+role via rolegate with MFA\s+default\s+us-east-1\s+session chain: role sessions of 1 h, no extra code$/m);
  for (const [key, value] of [['rolegate_role_chain', 'direct'], ['duration_seconds', '43200']]) {
    const set = await runRolegate(['config', 'set', 'admin', key!, value!], { env: box.env });
    assert.equal(set.code, 0, set.stderr);
  }
  const back = await runRolegate(['config', 'set', 'admin', 'rolegate_role_chain', 'session'], { env: box.env });
  assert.equal(back.code, 2);
  assert.match(back.stderr, /next: rolegate config unset admin duration_seconds first/);
  const json = JSON.parse((await runRolegate(['profiles', '--json'], { env: box.env })).stdout) as { name: string; chain: string | null }[];
  assert.equal(json.find((r) => r.name === 'admin')?.chain, 'direct');
  assert.match((await runRolegate(['profiles'], { env: box.env })).stdout, /direct chain: role sessions of 12 h, an MFA code each/);
});
