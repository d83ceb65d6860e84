import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runAws, runBoto3, runRolegate } from '../harness/run.js';
import { useCredAccount, filesContaining, mfaProcessRuns, PASSPHRASE, storeKey, writeStoreLayout, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { extraEnv: { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE } }, (made) => ({ box, account } = made));

test('file store layout: aws and aws --profile admin work through credential_process, one MFA code for both, no secret under ~/.aws', async () => {
  await storeKey(box, 'file', account.key);
  writeStoreLayout(box, account);
  await moto.clearRequests();

  const plain = await runAws(['sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(plain.code, 0, plain.stderr);
  // moto answers GetCallerIdentity for GetSessionToken credentials with its default user
  assert.match(JSON.parse(plain.stdout).Arn, /:user\//);

  const admin = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(admin.code, 0, admin.stderr);
  assert.match(JSON.parse(admin.stdout).Arn, /:assumed-role\/admin\//);

  const viaBoto3 = await runBoto3<string>('import boto3, json; print(json.dumps(boto3.Session(profile_name="admin").client("sts").get_caller_identity()["Arn"]))', { env: box.env });
  assert.match(viaBoto3, /:assumed-role\/admin\//);

  assert.equal(mfaProcessRuns(account), 1, 'one MFA code for the whole day');
  const actions = (await moto.requests()).map((r) => r.action);
  assert.equal(actions.filter((a) => a === 'GetSessionToken').length, 1);
  assert.equal(actions.filter((a) => a === 'AssumeRole').length, 1);
  // the role was assumed with the session credentials, not with the long-term key
  const assume = (await moto.requests()).find((r) => r.action === 'AssumeRole');
  assert.notEqual(assume?.access_key, account.key.accessKeyId);

  assert.deepEqual(filesContaining(join(box.home, '.aws'), account.key.secretAccessKey), []);
  assert.deepEqual(filesContaining(join(box.home, '.aws'), account.key.accessKeyId), []);
  assert.deepEqual(filesContaining(join(box.home, '.cache'), account.key.secretAccessKey), []);
});

test('credential-process prints the credential_process JSON, and answers from the cache the second time', async () => {
  await storeKey(box, 'file', account.key);
  writeStoreLayout(box, account);
  const first = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(first.code, 0, first.stderr);
  const output = JSON.parse(first.stdout);
  assert.equal(output.Version, 1);
  assert.match(output.AccessKeyId, /^ASIA/);
  assert.ok(output.SecretAccessKey && output.SessionToken);
  assert.match(output.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  await moto.clearRequests();
  const second = await runRolegate(['credential-process', 'admin'], { env: { ...box.env, ROLEGATE_FILE_PASSPHRASE: '' } });
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(JSON.parse(second.stdout), output);
  assert.deepEqual(await moto.requests(), []);
  assert.equal(mfaProcessRuns(account), 1);
});

// The role is assumed with session credentials, so AWS caps it at one hour (role chaining).
test('--duration sets the MFA session length (15m to 36h); the role lasts duration_seconds', async () => {
  await storeKey(box, 'file', account.key);
  writeStoreLayout(box, account, { durationSeconds: 1800 });
  const tooLong = await runRolegate(['credential-process', 'default', '--duration', '40h'], { env: box.env });
  assert.equal(tooLong.code, 2);
  assert.match(tooLong.stderr, /from 15 minutes to 36 hours/);
  assert.equal(mfaProcessRuns(account), 0);
  const session = await runRolegate(['credential-process', 'default', '--duration', '2h'], { env: box.env });
  assert.equal(session.code, 0, session.stderr);
  const left = Date.parse(JSON.parse(session.stdout).Expiration) - Date.now();
  assert.ok(left > 100 * 60_000 && left <= 2 * 3600_000, `session expires in ${left} ms`);
  const role = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(role.code, 0, role.stderr);
  const roleLeft = Date.parse(JSON.parse(role.stdout).Expiration) - Date.now();
  assert.ok(roleLeft > 25 * 60_000 && roleLeft <= 1800_000, `role expires in ${roleLeft} ms`);
  const assume = (await moto.requests()).filter((r) => r.action === 'AssumeRole');
  assert.equal(assume.length, 1);
  assert.equal(mfaProcessRuns(account), 1);
});

// Found by the strict AWS layer: the store layout assumes the role with the MFA session's temporary
// credentials, which AWS counts as role chaining and caps at one hour, whatever the role's
// MaxSessionDuration. rolegate now asks for at most 3600 s in that chain and says why (the direct
// chain, rolegate_role_chain = direct, is the way to longer role sessions).
test('duration_seconds above 3600 on a session-chain role profile is capped at 1 h, with a warning that says why: the strict layer accepts the AssumeRole', async () => {
  await storeKey(box, 'file', account.key);
  await runBoto3('import boto3; boto3.client("iam").update_role(RoleName="admin", MaxSessionDuration=7200); print(1)', {
    env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap' },
  });
  writeStoreLayout(box, account, { durationSeconds: 7200 });
  const result = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /duration_seconds 7200 of profile admin is capped at 3600: AWS limits a role assumed with the MFA session/);
  const left = Date.parse(JSON.parse(result.stdout).Expiration) - Date.now();
  assert.ok(left <= 3600_000, `role expires in ${left} ms`);
  assert.equal(mfaProcessRuns(account), 1);
});
