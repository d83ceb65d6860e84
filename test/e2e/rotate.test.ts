import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { run, runBoto3, runRolegate, type RunResult } from '../harness/run.js';
import { rmSync } from 'node:fs';
import { rolegateBin } from '../harness/paths.js';
import { runAws } from '../harness/run.js';
import { openKeyStore } from '../../src/keys/keyStore.js';
import { credentialProcessCommand } from '../../src/credentials/credentialProcessCommand.js';
import { buildPlainAccount, buildStoreAccount, cliIdentity, listKeys, plainStoredKey, USER_ARN, type Key } from './rotateFixture.js';

const moto = useMotoServer();
let box: Sandbox;
beforeEach(async () => {
  box = makeSandbox({ endpoint: moto.endpoint });
});
afterEach(() => box.cleanup());

/** rolegate in a new session (setsid): no controlling terminal, as in CI or under a script. */
const runWithoutTerminal = (args: string[], env: NodeJS.ProcessEnv) =>
  run('setsid', ['-w', process.execPath, rolegateBin, ...args], { env, timeoutMs: 30_000 });

const journal = () => join(box.home, '.config', 'rolegate', 'rotate.json');

function assertNoSecret(result: RunResult, ...keys: (Key | undefined)[]): void {
  for (const key of keys) {
    if (!key) continue;
    assert.ok(!result.stdout.includes(key.secretAccessKey) && !result.stderr.includes(key.secretAccessKey), 'a secret key was printed');
  }
}

test('rotate (plain store) leaves exactly one key, the new one, and the AWS CLI works with it', async () => {
  const { key: old } = await buildPlainAccount(box);
  await moto.clearRequests();
  const result = await runRolegate(['rotate', '--yes', '--json'], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  const stored = plainStoredKey(box)!;
  assertNoSecret(result, old, stored);

  const report = JSON.parse(result.stdout);
  assert.equal(report.outcome, 'rotated');
  assert.equal(report.userName, 'admin');
  assert.equal(report.store, 'plain');
  assert.equal(report.oldAccessKeyId, old.accessKeyId);
  assert.equal(report.newAccessKeyId, stored.accessKeyId);
  assert.notEqual(stored.accessKeyId, old.accessKeyId);

  const keys = await listKeys(box);
  assert.deepEqual(keys, [{ AccessKeyId: stored.accessKeyId, Status: 'Active' }]);
  const identity = await cliIdentity(box);
  assert.equal(identity.code, 0, identity.stderr);
  assert.equal(identity.arn, USER_ARN);
  assert.equal(existsSync(journal()), false, 'the journal is gone after a finished rotation');

  // The key management ran as the admin role (a session from AssumeRole), not as the read-only key.
  const log = await moto.requests();
  const iamCalls = log.filter((r) => r.service === 'iam');
  assert.ok(iamCalls.some((r) => r.action === 'CreateAccessKey'));
  for (const call of iamCalls) {
    assert.ok(call.access_key !== old.accessKeyId && call.access_key !== stored.accessKeyId, `${call.action} ran with the user's own key`);
  }
  // The chain: the stored (old) key asks for the MFA session, the session assumes the role.
  assert.ok(log.some((r) => r.action === 'GetSessionToken' && r.access_key === old.accessKeyId));
  assert.ok(log.some((r) => r.action === 'AssumeRole' && r.access_key !== old.accessKeyId));
  assert.equal(statSync(box.credentialsFile).mode & 0o777, 0o600);
});

test('plain text output names the keys and a second rotate rotates again', async () => {
  const { key: first } = await buildPlainAccount(box);
  const one = await runRolegate(['rotate', '--yes'], { env: box.env });
  assert.equal(one.code, 0, one.stderr);
  const second = plainStoredKey(box)!;
  assert.match(one.stdout, new RegExp(`now uses ${second.accessKeyId}.*old key ${first.accessKeyId} is deleted`));
  const two = await runRolegate(['rotate', '--yes'], { env: box.env });
  assert.equal(two.code, 0, two.stderr);
  const third = plainStoredKey(box)!;
  assertNoSecret(two, first, second, third);
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: third.accessKeyId, Status: 'Active' }]);
  assert.notEqual(third.accessKeyId, second.accessKeyId);
});

test('two keys: refused with both keys named, nothing changed; --delete-inactive deletes only an inactive one', async () => {
  const { key: old } = await buildPlainAccount(box);
  const other = await runBoto3<string>(
    `import boto3, json; print(json.dumps(boto3.client('iam').create_access_key(UserName='admin')['AccessKey']['AccessKeyId']))`,
    { env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap-example' } },
  );
  const before = readFileSync(box.credentialsFile, 'utf8');
  const keysBefore = await listKeys(box);

  const refused = await runRolegate(['rotate', '--yes'], { env: box.env });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /already has two access keys/);
  assert.ok(refused.stderr.includes(old.accessKeyId) && refused.stderr.includes(other));
  assert.match(refused.stderr, /next: .*delete-access-key/);
  // --delete-inactive never deletes an active key it did not create
  const stillRefused = await runRolegate(['rotate', '--yes', '--delete-inactive'], { env: box.env });
  assert.equal(stillRefused.code, 1);
  assert.match(stillRefused.stderr, /still has two access keys/);
  assert.deepEqual(await listKeys(box), keysBefore);
  assert.equal(readFileSync(box.credentialsFile, 'utf8'), before);
  assert.equal(existsSync(journal()), false);

  await runBoto3(
    `import boto3, json; boto3.client('iam').update_access_key(UserName='admin', AccessKeyId='${other}', Status='Inactive'); print('null')`,
    { env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap-example' } },
  );
  const refusedInactive = await runRolegate(['rotate', '--yes'], { env: box.env });
  assert.equal(refusedInactive.code, 1);
  assert.match(refusedInactive.stderr, /next: run rolegate rotate --delete-inactive/);

  const rotated = await runRolegate(['rotate', '--yes', '--json', '--delete-inactive'], { env: box.env });
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.deepEqual(JSON.parse(rotated.stdout).deletedInactiveAccessKeyIds, [other]);
  const stored = plainStoredKey(box)!;
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: stored.accessKeyId, Status: 'Active' }]);
});

test('a proof that fails (test hook) deletes the new key and keeps the old one, file untouched', async () => {
  const { key: old } = await buildPlainAccount(box);
  const before = readFileSync(box.credentialsFile, 'utf8');
  const result = await runRolegate(['rotate', '--yes'], { env: { ...box.env, ROLEGATE_TEST_FAIL_PROOF: '1' } });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, new RegExp(`old key ${old.accessKeyId} is kept`));
  assert.match(result.stderr, /the new key AKIA\w+ was deleted/);
  assertNoSecret(result, old);
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }]);
  assert.equal(readFileSync(box.credentialsFile, 'utf8'), before);
  assert.equal(existsSync(journal()), false);
  const identity = await cliIdentity(box);
  assert.equal(identity.arn, USER_ARN);
});

test('without --yes and without a terminal, nothing changes and the message says --yes', async () => {
  const { key: old } = await buildPlainAccount(box);
  const result = await runWithoutTerminal(['rotate'], box.env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no terminal to ask on; nothing was changed/);
  assert.match(result.stderr, /next: run rolegate rotate --yes/);
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }]);
});

test('rotate --help explains the admin-role path and shows examples', async () => {
  const result = await runRolegate(['rotate', '--help'], { env: box.env });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /through\s+the\s+admin\s+role/);
  assert.match(result.stdout, /Examples:/);
  assert.match(result.stdout, /--delete-inactive/);
});

test('rotate with the encrypted file store replaces the key in the file, and nothing lands under ~/.aws', async () => {
  const env = { ...box.env, ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple (test)' };
  const fileStore = () => openKeyStore('file', { env });
  const processFor = (profile: string) => credentialProcessCommand(profile, { env, scriptPath: rolegateBin });
  const { key: old } = await buildStoreAccount(box, async (key) => (await fileStore()).save('default', key), processFor);

  const result = await runRolegate(['rotate', '--yes', '--json'], { env });
  assert.equal(result.code, 0, result.stderr);
  const stored = (await (await fileStore()).load('default'))!;
  assertNoSecret(result, old, stored);
  const report = JSON.parse(result.stdout);
  assert.equal(report.store, 'file');
  assert.equal(report.newAccessKeyId, stored.accessKeyId);
  assert.notEqual(stored.accessKeyId, old.accessKeyId);
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: stored.accessKeyId, Status: 'Active' }]);
  assert.equal((await cliIdentity(box, stored)).arn, USER_ARN);
  assert.equal(existsSync(box.credentialsFile), false, 'no credentials file was written');

  // The everyday path starts a new MFA session from the rotated key through credential_process.
  rmSync(join(box.home, '.cache', 'rolegate'), { recursive: true, force: true });
  const viaProcess = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env });
  assert.equal(viaProcess.code, 0, viaProcess.stderr);
  assert.match(JSON.parse(viaProcess.stdout).Arn, /:assumed-role\/admin\//);
});

test('--user-name naming another user is refused, and nothing changes', async () => {
  const { key: old } = await buildPlainAccount(box);
  await runBoto3(`import boto3; boto3.client('iam').create_user(UserName='someone-else'); print('null')`, {
    env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap-example' },
  });
  // the setup here (found from its profiles) is user admin's: the name contradicts it, refused before any AWS call
  const result = await runRolegate(['rotate', '--yes', '--user-name', 'someone-else'], { env: box.env });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /no setup rolegate knows has user someone-else; .* is the setup with user admin \(profiles default, admin/);
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }]);
  // named with its profile too: the profile's setup and the contradicting name, both named
  const named = await runRolegate(['rotate', 'default', '--admin-profile', 'admin', '--yes', '--user-name', 'someone-else'], { env: box.env });
  assert.equal(named.code, 2, named.stderr);
  assert.match(named.stderr, /PROFILE default is the setup with user admin .* but --user-name someone-else was given/);
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }]);
  assert.equal(plainStoredKey(box)!.accessKeyId, old.accessKeyId);
});

test('MFA code: without mfa_process and a terminal it says how to give one; --mfa-code-command gives one', async () => {
  const { key: old } = await buildPlainAccount(box);
  const config = readFileSync(box.configFile, 'utf8');
  const mfaProcess = /^mfa_process = (.*)$/m.exec(config)![1]!;
  writeFileSync(box.configFile, config.replace(/^mfa_process = .*\n/m, ''));

  const refused = await runWithoutTerminal(['rotate', '--yes'], box.env);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /needs an MFA code for the admin role/);
  assert.match(refused.stderr, /next: pass --mfa-code-command CMD/);
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }]);

  const rotated = await runRolegate(['rotate', '--yes', '--mfa-code-command', mfaProcess], { env: box.env });
  assert.equal(rotated.code, 0, rotated.stderr);
  const stored = plainStoredKey(box)!;
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: stored.accessKeyId, Status: 'Active' }]);
});
