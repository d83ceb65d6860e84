/**
 * Web identity role profiles (role_arn + web_identity_token_file; issue 20): served by
 * credential-process, env and exec with an unsigned AssumeRoleWithWebIdentity, cached where the
 * AWS CLI finds it, usable as the source_profile of another role; a missing or empty token file is
 * a clear error. Through the strict layer (which checks the trust policy's federated statement)
 * against moto, with the real AWS CLI v1.
 */
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID, useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run, runAws, runBoto3, runRolegate } from '../harness/run.js';
import { rolegateBin, venvBin } from '../harness/paths.js';
import { useCredAccount, type Account } from './credFixture.js';
import { awsCliCacheKey } from '../../src/cache/awsCliCache.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { extraEnv: { PATH: `${venvBin}:${process.env.PATH}` } }, (made) => ({ box, account } = made));

const WEB_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/webapp`;
const DENIED_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/nofed`;
const HOP_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/hop`;
const PROVIDER = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.example.com`;
const doc = (principal: object, action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: action }] });

let tokenFile: string;

beforeEach(async () => {
  await runBoto3<null>(
    `
import boto3, json
iam = boto3.client("iam")
iam.create_role(RoleName="webapp", AssumeRolePolicyDocument=${JSON.stringify(doc({ Federated: PROVIDER }, 'sts:AssumeRoleWithWebIdentity'))})
iam.create_role(RoleName="nofed", AssumeRolePolicyDocument=${JSON.stringify(doc({ AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, 'sts:AssumeRole'))})
iam.create_role(RoleName="hop", AssumeRolePolicyDocument=${JSON.stringify(doc({ AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, 'sts:AssumeRole'))})
print(json.dumps(None))
`,
    { env: { ...box.env, AWS_ACCESS_KEY_ID: account.key.accessKeyId, AWS_SECRET_ACCESS_KEY: account.key.secretAccessKey } },
  );
  tokenFile = join(box.home, 'web-token');
  // a stand-in OIDC token: moto does not verify it, the strict layer wants one sent
  writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3ZWJhcHAifQ.c2lnbmF0dXJl', { mode: 0o600 });
  writeFileSync(join(box.home, 'empty-token'), '');
  writeFileSync(
    box.configFile,
    `[profile web]\nrole_arn = ${WEB_ARN}\nweb_identity_token_file = ${tokenFile}\nrole_session_name = web-session\nregion = us-east-1\n\n` +
      `[profile webhop]\nrole_arn = ${HOP_ARN}\nsource_profile = web\nregion = us-east-1\n\n` +
      `[profile nofed]\nrole_arn = ${DENIED_ARN}\nweb_identity_token_file = ${tokenFile}\nregion = us-east-1\n\n` +
      `[profile webmissing]\nrole_arn = ${WEB_ARN}\nweb_identity_token_file = ${join(box.home, 'no-such-token')}\nregion = us-east-1\n\n` +
      `[profile webempty]\nrole_arn = ${WEB_ARN}\nweb_identity_token_file = ${join(box.home, 'empty-token')}\nregion = us-east-1\n`,
  );
  await moto.clearRequests();
});

const cliCacheDir = () => join(box.home, '.aws', 'cli', 'cache');
const stsActions = async () => (await moto.requests()).filter((r) => r.service === 'sts' || /AssumeRole|GetSessionToken|GetCallerIdentity/.test(r.action ?? '')).map((r) => r.action);
const count = (list: Array<string | null>, action: string) => list.filter((a) => a === action).length;
const rolegate = (args: string[], env: NodeJS.ProcessEnv = box.env) => run(process.execPath, [rolegateBin, ...args], { env });
const webEntry = () => join(cliCacheDir(), `${awsCliCacheKey({ RoleArn: WEB_ARN, RoleSessionName: 'web-session' })}.json`);

test('a web identity profile: 10 parallel cold credential-process calls cost one unsigned AssumeRoleWithWebIdentity; env and exec serve it; the AWS CLI reads the same cache entry', { timeout: 180_000 }, async () => {
  const calls = await Promise.all(Array.from({ length: 10 }, () => rolegate(['credential-process', 'web'])));
  for (const call of calls) assert.equal(call.code, 0, call.stderr);
  const keys = new Set(calls.map((c) => JSON.parse(c.stdout).AccessKeyId));
  assert.equal(keys.size, 1, 'every caller got the same credentials');
  const log = await moto.requests();
  const web = log.filter((r) => r.action === 'AssumeRoleWithWebIdentity');
  assert.equal(web.length, 1, 'one AssumeRoleWithWebIdentity');
  assert.equal(web[0]?.access_key, null, 'sent unsigned');
  assert.equal(web[0]?.refused, undefined);
  assert.deepEqual(readdirSync(cliCacheDir()), [`${awsCliCacheKey({ RoleArn: WEB_ARN, RoleSessionName: 'web-session' })}.json`], "botocore's key for the web identity provider");
  assert.equal(JSON.parse(readFileSync(webEntry(), 'utf8')).Credentials.AccessKeyId, [...keys][0]);

  await moto.clearRequests();
  const env = await rolegate(['env', 'web', '--format', 'json']);
  assert.equal(env.code, 0, env.stderr);
  assert.equal(JSON.parse(env.stdout).AWS_ACCESS_KEY_ID, [...keys][0]);
  const exec = await rolegate(['exec', 'web', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(JSON.parse(exec.stdout).Arn, /:assumed-role\/webapp\/web-session$/);
  assert.equal(count(await stsActions(), 'AssumeRoleWithWebIdentity'), 0, 'env and exec were served from the cache');

  await moto.clearRequests();
  const aws = await runAws(['--profile', 'web', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: '' });
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(JSON.parse(aws.stdout).Arn, /:assumed-role\/webapp\/web-session$/);
  const after = await moto.requests();
  assert.deepEqual(after.map((r) => r.action), ['GetCallerIdentity'], 'the AWS CLI used the entry rolegate wrote');
  assert.equal(after[0]?.access_key, [...keys][0]);

  // status reads the cache only
  await moto.clearRequests();
  const status = await runRolegate(['status', '--json', '--offline'], { env: box.env });
  assert.equal(status.code, 0, status.stderr);
  const shown = JSON.parse(status.stdout).profiles.find((p: { profile: string }) => p.profile === 'web');
  assert.equal(shown.kind, 'web-identity');
  assert.equal(shown.links[0].state, 'valid');
  assert.deepEqual(await moto.requests(), [], 'status calls nothing');

  // logout removes the cached credentials, never the token file
  const out = await rolegate(['logout', 'web']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(existsSync(webEntry()), false);
  assert.equal(existsSync(tokenFile), true);
});

test('a role whose source_profile is a web identity profile is served through the dispatch', { timeout: 120_000 }, async () => {
  const hop = await rolegate(['credential-process', 'webhop']);
  assert.equal(hop.code, 0, hop.stderr);
  assert.deepEqual(await stsActions(), ['AssumeRoleWithWebIdentity', 'AssumeRole']);
  const log = await moto.requests();
  const web = JSON.parse(readFileSync(webEntry(), 'utf8')).Credentials.AccessKeyId;
  assert.equal(log.find((r) => r.action === 'AssumeRole')?.access_key, web, 'AssumeRole signed with the web identity credentials');
  await moto.clearRequests();
  const exec = await rolegate(['exec', 'webhop', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(JSON.parse(exec.stdout).Arn, /:assumed-role\/hop\//);
  assert.deepEqual(await stsActions(), ['GetCallerIdentity']);
});

test('a missing or empty token file, and a role whose trust policy has no federated statement: clear errors naming the profile', async () => {
  const missing = await rolegate(['credential-process', 'webmissing']);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /profile webmissing: its web_identity_token_file \S*no-such-token does not exist/);
  assert.match(missing.stderr, /next: /);
  const empty = await rolegate(['env', 'webempty']);
  assert.equal(empty.code, 1, empty.stderr);
  assert.match(empty.stderr, /profile webempty: its web_identity_token_file \S*empty-token is empty/);
  assert.equal(count(await stsActions(), 'AssumeRoleWithWebIdentity'), 0, 'no call without a token');
  const denied = await rolegate(['credential-process', 'nofed']);
  assert.equal(denied.code, 1, denied.stderr);
  assert.match(denied.stderr, /profile nofed: AWS refused AssumeRoleWithWebIdentity for .*role\/nofed/);
  assert.doesNotMatch(denied.stderr + missing.stderr + empty.stderr, /eyJhbGci/, 'the token is never shown');
  assert.equal(existsSync(cliCacheDir()) ? readdirSync(cliCacheDir()).length : 0, 0);
});
