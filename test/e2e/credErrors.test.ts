import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, writeFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run, runRolegate } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { useCredAccount, mfaProcessRuns, MFA_SERIAL, writeStoreLayout, wrongCode, type Account } from './credFixture.js';
import { writeSessionEntry } from '../../src/cache/sessionCache.js';
import { sessionCacheDir } from '../../src/files/rolegatePaths.cjs';
import { openKeyStore } from '../../src/keys/keyStore.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file' }, (made) => ({ box, account } = made));

/** Runs rolegate in a new session (setsid): no controlling terminal, as under an SDK or CI. */
function runDetached(args: string[], env: NodeJS.ProcessEnv) {
  return run('setsid', ['-w', process.execPath, rolegateBin, ...args], { env, timeoutMs: 30_000 });
}

test('no terminal and no mfa_process: fails at once, saying to set mfa_process', async () => {
  writeStoreLayout(box, account, { mfaProcess: false });
  const result = await runDetached(['credential-process', 'admin'], box.env);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /profile admin needs an MFA code, but there is no terminal to ask on, no desktop dialog .* and no mfa_process is set/);
  assert.match(result.stderr, /next: add `mfa_process = /);
  assert.ok(!(await moto.requests()).some((r) => r.action === 'GetSessionToken'));
});

test('an expired session without a way to get a code says when it expired and what to do', async () => {
  writeStoreLayout(box, account, { mfaProcess: false });
  const expiration = new Date(Date.now() - 60_000);
  await writeSessionEntry(
    'session-default',
    { version: 1, kind: 'session', profile: 'default', mfaSerial: MFA_SERIAL, createdAt: new Date().toISOString(), credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 's', sessionToken: 't', expiration } },
    box.env,
  );
  const result = await runDetached(['credential-process', 'default'], box.env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /MFA session for profile default expired at \d{4}-/);
  assert.match(result.stderr, /mfa_process/);
});

test('a deleted key (gone from the store) is named, with the way to store it again', async () => {
  writeStoreLayout(box, account);
  await (await openKeyStore('file', { env: box.env })).remove('default');
  const result = await runDetached(['credential-process', 'admin'], { ...box.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no access key for profile default/);
  assert.match(result.stderr, /next: store the key again: `rolegate import default/);
  assert.equal(mfaProcessRuns(account), 0, 'no code spent when there is no key');
});

test('a wrong passphrase for the key file is a clear error', async () => {
  writeStoreLayout(box, account);
  const result = await runDetached(['credential-process', 'default'], { ...box.env, ROLEGATE_FILE_PASSPHRASE: 'not it' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /could not decrypt .*keys\.enc: wrong passphrase/);
  assert.doesNotMatch(result.stderr, /not it/);
});

test('an unavailable keychain gives a clear error that offers --store file, and changes nothing', async () => {
  writeFileSync(box.credentialsFile, `[default]\naws_access_key_id = ${account.key.accessKeyId}\naws_secret_access_key = ${account.key.secretAccessKey}\n`);
  writeFileSync(box.configFile, `[default]\nmfa_serial = ${MFA_SERIAL}\n`);
  const before = readFileSync(box.credentialsFile, 'utf8');
  const result = await runDetached(['import', '--store', 'keychain'], { ...box.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /the OS keychain cannot be used here/);
  assert.match(result.stderr, /next: use --store file/);
  assert.equal(readFileSync(box.credentialsFile, 'utf8'), before);
});

test('a role entry a power cut left empty or torn (role entries are not fsynced) is a warning and one AssumeRole, with the MFA session reused', async () => {
  writeStoreLayout(box, account);
  const first = await runDetached(['credential-process', 'admin'], box.env);
  assert.equal(first.code, 0, first.stderr);
  const roleFile = join(sessionCacheDir(box.env), 'role-admin.json');
  const whole = readFileSync(roleFile, 'utf8');
  // what a rename that reached the disk before its data leaves: nothing, or the start of the entry
  for (const left of ['', whole.slice(0, Math.floor(whole.length / 2))]) {
    writeFileSync(roleFile, left, { mode: 0o600 });
    await moto.clearRequests();
    const again = await runDetached(['credential-process', 'admin'], box.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /warning: ignoring the damaged cache file .*role-admin\.json/);
    assert.notEqual(JSON.parse(again.stdout).AccessKeyId, JSON.parse(first.stdout).AccessKeyId);
    const actions = (await moto.requests()).map((r) => r.action);
    assert.deepEqual(actions.filter((a) => a === 'AssumeRole' || a === 'GetSessionToken'), ['AssumeRole']);
    assert.doesNotThrow(() => JSON.parse(readFileSync(roleFile, 'utf8')), 'the entry is whole again');
  }
  assert.equal(mfaProcessRuns(account), 1, 'one code, for the first MFA session');
});

test('a damaged session cache file is a warning and a miss', async () => {
  writeStoreLayout(box, account);
  mkdirSync(sessionCacheDir(box.env), { recursive: true });
  writeFileSync(join(sessionCacheDir(box.env), 'session-default.json'), '\u0000garbage');
  const result = await runDetached(['credential-process', 'default'], box.env);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /warning: ignoring the damaged cache file .*session-default\.json/);
  assert.equal(mfaProcessRuns(account), 1);
});

test('a session cache file that others may write is not served: a warning, a fresh session, and the file replaced by a private one', async () => {
  writeStoreLayout(box, account);
  const planted = { accessKeyId: 'ASIAPLANTEDEXAMPLE01', secretAccessKey: 'planted', sessionToken: 'planted', expiration: new Date(Date.now() + 3_600_000) };
  await writeSessionEntry(
    'session-default',
    { version: 1, kind: 'session', profile: 'default', mfaSerial: MFA_SERIAL, createdAt: new Date().toISOString(), credentials: planted },
    box.env,
  );
  const file = join(sessionCacheDir(box.env), 'session-default.json');
  chmodSync(file, 0o666);
  const result = await runDetached(['credential-process', 'default'], box.env);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /warning: ignoring the cache file .*session-default\.json: other users may write to it \(mode 0666\)/);
  assert.notEqual(JSON.parse(result.stdout).AccessKeyId, planted.accessKeyId);
  assert.equal(mfaProcessRuns(account), 1, 'a new MFA session was made');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('an unknown profile is bad input (exit 2)', async () => {
  writeStoreLayout(box, account);
  const result = await runDetached(['credential-process', 'nope'], box.env);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /there is no profile named nope/);
});

test('a wrong MFA code: clear message, exit 1, nothing cached, no retry loop', async () => {
  const codeFile = join(box.home, 'wrong-code');
  writeFileSync(codeFile, `${await wrongCode(account)}\n`);
  writeStoreLayout(box, { ...account, mfaProcess: `cat '${codeFile}'` });
  const result = await runDetached(['credential-process', 'admin'], box.env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /the MFA code was not accepted for arn:aws:iam::123456789012:mfa\/admin/);
  assert.match(result.stderr, /next: wait for the next code/);
  assert.deepEqual((await moto.requests()).map((r) => r.action), ['GetSessionToken']);
  const dir = sessionCacheDir(box.env);
  assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
});

test('STS out of reach: a clear message and a non-zero exit, no hang', async () => {
  writeStoreLayout(box, account);
  const result = await runDetached(['credential-process', 'default'], { ...box.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /sts:GetSessionToken failed: http:\/\/127\.0\.0\.1:9 refused the connection \(ECONNREFUSED\)/);
});

test('credential-process without a profile, or with a stray argument, is bad input', async () => {
  const none = await runRolegate(['credential-process'], { env: box.env });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /needs a profile name/);
  const extra = await runRolegate(['credential-process', 'a', 'b'], { env: box.env });
  assert.equal(extra.code, 2);
});
