/**
 * The strict AWS layer's own tests: each rule refuses what AWS refuses, with AWS's error code and
 * message, as the official SDK (and botocore, for one) parses them. Each test runs its own layer
 * in front of the file's moto with a clock the test moves, so TOTP windows and ages are exact.
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, DeleteAccessKeyCommand, EnableMFADeviceCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import { ACCOUNT_ID, useMotoServer } from '../harness/moto.js';
import { runAws } from '../harness/run.js';
import { makeSandbox } from '../harness/sandbox.js';
import { MESSAGES, startStrictAws, type StrictAws } from '../harness/strictAws.js';
import { STEP_SECONDS, currentStep, totpCode } from '../harness/totp.js';

const moto = useMotoServer();
const BOOTSTRAP = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bootstrap' };
const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/admin`;
const SERIAL = `arn:aws:iam::${ACCOUNT_ID}:mfa/admin`;
const MFA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:user/admin` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
};

let layer: StrictAws;
/** The layer's clock: 5 s into a TOTP step, moved by the tests. */
let clock = 0;
const step = () => currentStep(clock);

beforeEach(async () => {
  clock = (currentStep(Date.now()) * STEP_SECONDS + 5) * 1000;
  layer = await startStrictAws({ upstream: moto.motoEndpoint, now: () => clock });
});
afterEach(() => layer.close());

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const iam = (credentials: Keys = BOOTSTRAP) => new IAMClient({ endpoint: layer.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const sts = (credentials: Keys) => new STSClient({ endpoint: layer.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const keysOf = (c: Credentials | undefined): Keys => ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

/** User admin with a key and an MFA device, role admin trusting it with MFA; made through the layer. */
async function account(options: { trust?: object; maxSessionDuration?: number; enable?: boolean } = {}): Promise<{ key: Keys; seed: string }> {
  const client = iam();
  await client.send(new CreateUserCommand({ UserName: 'admin' }));
  const created = await client.send(new CreateAccessKeyCommand({ UserName: 'admin' }));
  const device = await client.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'admin' }));
  const seed = Buffer.from(device.VirtualMFADevice!.Base32StringSeed!).toString('utf8');
  if (options.enable !== false) {
    await client.send(new EnableMFADeviceCommand({ UserName: 'admin', SerialNumber: SERIAL, AuthenticationCode1: totpCode(seed, step() - 1), AuthenticationCode2: totpCode(seed, step()) }));
  }
  await client.send(
    new CreateRoleCommand({ RoleName: 'admin', AssumeRolePolicyDocument: JSON.stringify(options.trust ?? MFA_TRUST), MaxSessionDuration: options.maxSessionDuration }),
  );
  return { key: { accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey! }, seed };
}

async function refusal(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  assert.fail('the call was accepted');
}

const sessionWithMfa = (key: Keys, code: string, DurationSeconds?: number) => sts(key).send(new GetSessionTokenCommand({ SerialNumber: SERIAL, TokenCode: code, DurationSeconds }));
const assume = (key: Keys, extra: { DurationSeconds?: number; SerialNumber?: string; TokenCode?: string } = {}) =>
  sts(key).send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'strict', ...extra }));

test('MFA code: a wrong one is refused with AWS AccessDenied "invalid MFA one time pass code"; the right one passes', async () => {
  const { key, seed } = await account();
  const wrong = String((Number(totpCode(seed, step() + 1)) + 1) % 1_000_000).padStart(6, '0');
  assert.deepEqual(await refusal(sessionWithMfa(key, wrong)), { name: 'AccessDenied', message: MESSAGES.invalidCode, status: 403 });
  const session = await sessionWithMfa(key, totpCode(seed, step() + 1));
  assert.match(session.Credentials!.AccessKeyId!, /^ASIA/);
});

test('MFA code: one already used for the device is refused, however soon it is sent again', async () => {
  const { key, seed } = await account();
  const code = totpCode(seed, step() + 1);
  await sessionWithMfa(key, code);
  assert.deepEqual(await refusal(sessionWithMfa(key, code)), { name: 'AccessDenied', message: MESSAGES.invalidCode, status: 403 });
  assert.deepEqual(await refusal(assume(key, { SerialNumber: SERIAL, TokenCode: code })), { name: 'AccessDenied', message: MESSAGES.invalidCode, status: 403 });
});

test('MFA code: the previous and next 30 s steps are accepted, two steps away is refused', async () => {
  const { key, seed } = await account();
  clock += 5 * STEP_SECONDS * 1000; // past the steps EnableMFADevice used
  for (const offset of [-2, 2]) {
    assert.deepEqual(await refusal(sessionWithMfa(key, totpCode(seed, step() + offset))), { name: 'AccessDenied', message: MESSAGES.invalidCode, status: 403 }, `step ${offset}`);
  }
  for (const offset of [-1, 1, 0]) await sessionWithMfa(key, totpCode(seed, step() + offset));
});

test('MFA code: the EnableMFADevice codes count as used', async () => {
  const { key, seed } = await account();
  assert.deepEqual(await refusal(sessionWithMfa(key, totpCode(seed, step()))), { name: 'AccessDenied', message: MESSAGES.invalidCode, status: 403 });
});

test('MFA device: one not enabled for the calling user is refused with "unable to validate MFA code"', async () => {
  const { key, seed } = await account({ enable: false });
  const code = totpCode(seed, step());
  assert.deepEqual(await refusal(sessionWithMfa(key, code)), { name: 'AccessDenied', message: MESSAGES.unknownDevice, status: 403 });
  await iam().send(new CreateUserCommand({ UserName: 'other' }));
  await iam().send(new EnableMFADeviceCommand({ UserName: 'other', SerialNumber: SERIAL, AuthenticationCode1: totpCode(seed, step() - 1), AuthenticationCode2: code }));
  assert.deepEqual(await refusal(sessionWithMfa(key, totpCode(seed, step() + 1))), { name: 'AccessDenied', message: MESSAGES.unknownDevice, status: 403 }, "another user's device");
});

test('EnableMFADevice wants two consecutive valid codes (InvalidAuthenticationCode otherwise)', async () => {
  const { seed } = await account({ enable: false });
  const enable = (code1: string, code2: string) =>
    iam().send(new EnableMFADeviceCommand({ UserName: 'admin', SerialNumber: SERIAL, AuthenticationCode1: code1, AuthenticationCode2: code2 }));
  // IAM's error code InvalidAuthenticationCode (403), which the SDK's model names InvalidAuthenticationCodeException
  const invalid = { name: 'InvalidAuthenticationCodeException', message: MESSAGES.invalidEnableCode, status: 403 };
  assert.deepEqual(await refusal(enable(totpCode(seed, step()), totpCode(seed, step()))), invalid, 'the same code twice');
  assert.deepEqual(await refusal(enable(totpCode(seed, step() - 1), totpCode(seed, step() + 1))), invalid, 'not consecutive');
  assert.deepEqual(await refusal(enable(totpCode(seed, step()), totpCode(seed, step() - 1))), invalid, 'in the wrong order');
  assert.deepEqual(await refusal(enable(totpCode(seed, step() - 3), totpCode(seed, step() - 2))), invalid, 'too old');
  assert.deepEqual(await refusal(enable('123456', '654321')), invalid, 'any fixed pair');
  await enable(totpCode(seed, step()), totpCode(seed, step() + 1));
});

test('AssumeRole: a trust policy requiring aws:MultiFactorAuthPresent refuses a long-term key without MFA, admits it with a code', async () => {
  const { key, seed } = await account();
  assert.deepEqual(await refusal(assume(key)), {
    name: 'AccessDenied',
    message: `User: arn:aws:iam::${ACCOUNT_ID}:user/admin is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
    status: 403,
  });
  const role = await assume(key, { SerialNumber: SERIAL, TokenCode: totpCode(seed, step() + 1) });
  assert.match(role.AssumedRoleUser!.Arn!, /assumed-role\/admin\/strict$/);
});

test('AssumeRole: the MFA context of GetSessionToken carries to the session; a session without MFA is refused', async () => {
  const { key, seed } = await account();
  const withMfa = keysOf((await sessionWithMfa(key, totpCode(seed, step() + 1))).Credentials);
  await assume(withMfa);
  const without = keysOf((await sts(key).send(new GetSessionTokenCommand({}))).Credentials);
  assert.equal((await refusal(assume(without))).name, 'AccessDenied');
  assert.notEqual(withMfa.accessKeyId, without.accessKeyId, 'each session has its own key id (moto hands out one for all)');
  const identity = await sts(withMfa).send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Arn, `arn:aws:iam::${ACCOUNT_ID}:user/admin`, 'a session is its user, as AWS says');
  assert.equal(identity.UserId, (await iam().send(new GetUserCommand({ UserName: 'admin' }))).User?.UserId);
});

test('AssumeRole: aws:MultiFactorAuthAge (NumericLessThan) counts from the MFA sign-in of the session', async () => {
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }] };
  const { key, seed } = await account({ trust });
  const session = keysOf((await sessionWithMfa(key, totpCode(seed, step() + 1))).Credentials);
  await assume(session);
  clock += 3600 * 1000;
  assert.equal((await refusal(assume(session))).name, 'AccessDenied', 'an hour after the code');
  assert.equal((await refusal(assume(key))).name, 'AccessDenied', 'a long-term key has no MFA age at all');
});

test('AssumeRole: a Deny with BoolIfExists aws:MultiFactorAuthPresent false refuses long-term keys and sessions without MFA', async () => {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
    ],
  };
  const { key, seed } = await account({ trust });
  assert.equal((await refusal(assume(key))).name, 'AccessDenied');
  const without = keysOf((await sts(key).send(new GetSessionTokenCommand({}))).Credentials);
  assert.equal((await refusal(assume(without))).name, 'AccessDenied');
  await assume(key, { SerialNumber: SERIAL, TokenCode: totpCode(seed, step() + 1) });
});

test('AssumeRole with temporary credentials: DurationSeconds above 3600 is refused as role chaining', async () => {
  const { key, seed } = await account({ maxSessionDuration: 43200 });
  const session = keysOf((await sessionWithMfa(key, totpCode(seed, step() + 1))).Credentials);
  assert.deepEqual(await refusal(assume(session, { DurationSeconds: 3601 })), { name: 'ValidationError', message: MESSAGES.chained, status: 400 });
  const role = await assume(session, { DurationSeconds: 3600 });
  assert.deepEqual(await refusal(assume(keysOf(role.Credentials), { DurationSeconds: 7200 })), { name: 'ValidationError', message: MESSAGES.chained, status: 400 }, 'role to role');
  clock += STEP_SECONDS * 1000;
  await assume(key, { SerialNumber: SERIAL, TokenCode: totpCode(seed, step() + 1), DurationSeconds: 43200 });
});

test("AssumeRole: DurationSeconds above the role's MaxSessionDuration, or outside 900..43200, is refused", async () => {
  const { key, seed } = await account({ maxSessionDuration: 7200 });
  const code = (offset: number) => ({ SerialNumber: SERIAL, TokenCode: totpCode(seed, step() + offset) });
  assert.deepEqual(await refusal(assume(key, { ...code(1), DurationSeconds: 7201 })), { name: 'ValidationError', message: MESSAGES.maxSession, status: 400 });
  clock += STEP_SECONDS * 1000;
  const tooShort = await refusal(assume(key, { ...code(1), DurationSeconds: 899 }));
  assert.equal(tooShort.name, 'ValidationError');
  assert.match(tooShort.message, /Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/);
  await assume(key, { ...code(1), DurationSeconds: 7200 });
});

test('GetSessionToken: DurationSeconds outside 900..129600 is refused; so is a call with session credentials', async () => {
  const { key, seed } = await account();
  const long = await refusal(sessionWithMfa(key, totpCode(seed, step() + 1), 129601));
  assert.equal(long.name, 'ValidationError');
  assert.match(long.message, /Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600/);
  const session = keysOf((await sts(key).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
  assert.deepEqual(await refusal(sts(session).send(new GetSessionTokenCommand({}))), { name: 'AccessDenied', message: MESSAGES.sessionCredentials, status: 403 });
});

test('IAM refuses a GetSessionToken session without MFA (InvalidClientTokenId) and takes one with MFA', async () => {
  const { key, seed } = await account();
  const without = keysOf((await sts(key).send(new GetSessionTokenCommand({}))).Credentials);
  assert.deepEqual(await refusal(iam(without).send(new ListUsersCommand({}))), { name: 'InvalidClientTokenId', message: MESSAGES.invalidToken, status: 403 });
  const withMfa = keysOf((await sessionWithMfa(key, totpCode(seed, step() + 1))).Credentials);
  assert.equal((await iam(withMfa).send(new ListUsersCommand({}))).Users?.length, 1);
});

test('expired temporary credentials and deleted access keys are refused', async () => {
  const { key } = await account();
  const session = keysOf((await sts(key).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
  await sts(session).send(new GetCallerIdentityCommand({}));
  clock += 960 * 1000; // past moto's Expiration (real time + 900 s; the clock starts up to 30 s behind)
  assert.deepEqual(await refusal(sts(session).send(new GetCallerIdentityCommand({}))), { name: 'ExpiredToken', message: MESSAGES.expiredToken, status: 403 });
  await iam().send(new DeleteAccessKeyCommand({ UserName: 'admin', AccessKeyId: key.accessKeyId }));
  assert.deepEqual(await refusal(sts(key).send(new GetCallerIdentityCommand({}))), { name: 'InvalidClientTokenId', message: MESSAGES.invalidToken, status: 403 });
});

test('botocore (the AWS CLI) reads the layer’s refusal as it reads AWS’s', async () => {
  const { key } = await account();
  const box = makeSandbox({ endpoint: layer.endpoint, extraEnv: { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey } });
  try {
    const result = await runAws(['sts', 'get-session-token', '--serial-number', SERIAL, '--token-code', '000000'], { env: box.env, input: '' });
    assert.notEqual(result.code, 0, result.stderr);
    assert.match(result.stderr, /An error occurred \(AccessDenied\) when calling the GetSessionToken operation: MultiFactorAuthentication failed with invalid MFA one time pass code\./);
  } finally {
    box.cleanup();
  }
});

test('the suite’s default endpoint is the strict layer: a fixed code such as 123456 no longer enables a device', async () => {
  const box = makeSandbox({ endpoint: moto.endpoint, extraEnv: { AWS_ACCESS_KEY_ID: BOOTSTRAP.accessKeyId, AWS_SECRET_ACCESS_KEY: BOOTSTRAP.secretAccessKey } });
  try {
    await runAws(['iam', 'create-user', '--user-name', 'admin'], { env: box.env });
    await runAws(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'admin', '--outfile', `${box.home}/seed`, '--bootstrap-method', 'Base32StringSeed'], { env: box.env });
    const enabled = await runAws(['iam', 'enable-mfa-device', '--user-name', 'admin', '--serial-number', SERIAL, '--authentication-code1', '123456', '--authentication-code2', '654321'], { env: box.env });
    assert.notEqual(enabled.code, 0);
    assert.match(enabled.stderr, /InvalidAuthenticationCode.*Authentication code for device is not valid/);
    assert.notEqual(moto.endpoint, moto.motoEndpoint);
  } finally {
    box.cleanup();
  }
});
