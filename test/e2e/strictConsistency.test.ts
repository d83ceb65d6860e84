/**
 * The strict layer's IAM eventual consistency (test/harness/strictConsistency.ts): off by default;
 * when set, a new key is refused, a new role or a user's changed policies deny AssumeRole, and
 * ListAccessKeys lags creates, each for its set time. The layer runs with a clock the test moves.
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ACCOUNT_ID, useMotoServer } from '../harness/moto.js';
import { startStrictAws, type StrictAws } from '../harness/strictAws.js';

const moto = useMotoServer();
const BOOTSTRAP = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bootstrap' };
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:user/admin` }, Action: 'sts:AssumeRole' }] });

let layer: StrictAws;
let clock = 0;
beforeEach(async () => {
  clock = Date.now();
  layer = await startStrictAws({ upstream: moto.motoEndpoint, now: () => clock });
});
afterEach(() => layer.close());

type Keys = { accessKeyId: string; secretAccessKey: string };
const iam = (credentials: Keys = BOOTSTRAP) => new IAMClient({ endpoint: layer.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const sts = (credentials: Keys) => new STSClient({ endpoint: layer.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

async function userWithKey(): Promise<Keys> {
  await iam().send(new CreateUserCommand({ UserName: 'admin' }));
  const k = (await iam().send(new CreateAccessKeyCommand({ UserName: 'admin' }))).AccessKey!;
  return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
}
const listed = async () => ((await iam().send(new ListAccessKeysCommand({ UserName: 'admin' }))).AccessKeyMetadata ?? []).map((k) => k.AccessKeyId);

test('off by default: a new key works and is listed at once', async () => {
  const key = await userWithKey();
  assert.deepEqual(await listed(), [key.accessKeyId]);
  assert.match((await sts(key).send(new GetCallerIdentityCommand({}))).Arn ?? '', /:user\/admin$/);
});

test('a new key is refused with InvalidClientTokenId, and left out of ListAccessKeys, until its time has passed', async () => {
  layer.setConsistency({ newKeyMs: 5_000, listingLagMs: 8_000 });
  const key = await userWithKey();
  await assert.rejects(sts(key).send(new GetCallerIdentityCommand({})), (e: Error) => e.name === 'InvalidClientTokenId');
  assert.deepEqual(await listed(), []);
  clock += 5_000;
  assert.match((await sts(key).send(new GetCallerIdentityCommand({}))).Arn ?? '', /:user\/admin$/);
  assert.deepEqual(await listed(), [], 'the listing lags longer');
  clock += 3_000;
  assert.deepEqual(await listed(), [key.accessKeyId]);
});

test('a new role, and a user whose policies changed, are denied AssumeRole (AccessDenied) until their time has passed', async () => {
  const key = await userWithKey();
  layer.setConsistency({ newRoleMs: 10_000, newPolicyMs: 20_000 });
  await iam().send(new CreateRoleCommand({ RoleName: 'admin', AssumeRolePolicyDocument: TRUST }));
  const assume = () => sts(key).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/admin`, RoleSessionName: 's' }));
  await assert.rejects(assume(), (e: Error) => e.name === 'AccessDenied' && /is not authorized to perform: sts:AssumeRole/.test(e.message));
  clock += 10_000;
  assert.ok((await assume()).Credentials?.AccessKeyId);
  await iam().send(new AttachUserPolicyCommand({ UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit' }));
  await assert.rejects(assume(), (e: Error) => e.name === 'AccessDenied');
  clock += 20_000;
  assert.ok((await assume()).Credentials?.AccessKeyId);
});
