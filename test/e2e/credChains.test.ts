/**
 * Profiles rolegate did not write, served as the AWS CLI would resolve them (issue 20, chains):
 * role_arn chains of any depth from a static key, mfa_serial at any link, credential_source,
 * duration_seconds / external_id / role_session_name, another tool's credential_process, static
 * keys; status and logout over every kind; loops refused. Through the strict layer against moto,
 * with the real AWS CLI v1 reading the cache rolegate writes.
 */
import { test, beforeEach, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ACCOUNT_ID } from '../harness/moto.js';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run, runAws, runBoto3, runRolegate } from '../harness/run.js';
import { rolegateBin, venvBin } from '../harness/paths.js';
import { MFA_SERIAL, ROLE_ARN, makeExecutable, mfaProcessRuns, useCredAccount, type Account } from './credFixture.js';
import { awsCliCacheKey } from '../../src/cache/awsCliCache.js';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startFederationStandIn, type FederationStandIn } from './federationStandIn.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { extraEnv: { PATH: `${venvBin}:${process.env.PATH}` } }, (made) => ({ box, account } = made));

const HOP_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/hop`;
const MFAHOP_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/mfahop`;
const PARTNER_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/partner`;
const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;
const trust = (condition?: object) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }] });

let toolRuns: string;
/** A session of the admin user (GetSessionToken, no MFA): what the tool and the host stand-ins hand out. */
let toolSession: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };

/** Roles beyond the fixture's admin, a tool's credentials, and a config with every kind of profile. */
beforeEach(async () => {
  const session = await runBoto3<{ AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }>(
    `
import boto3, json
iam = boto3.client("iam")
iam.create_role(RoleName="hop", AssumeRolePolicyDocument=${JSON.stringify(trust())})
iam.create_role(RoleName="mfahop", AssumeRolePolicyDocument=${JSON.stringify(trust({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }))})
iam.create_role(RoleName="partner", AssumeRolePolicyDocument=${JSON.stringify(trust({ StringEquals: { 'sts:ExternalId': 'ext-123' } }))})
c = boto3.client("sts", aws_access_key_id=${JSON.stringify(account.key.accessKeyId)}, aws_secret_access_key=${JSON.stringify(account.key.secretAccessKey)}).get_session_token(DurationSeconds=3600)["Credentials"]
print(json.dumps({"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"], "SessionToken": c["SessionToken"], "Expiration": c["Expiration"].isoformat()}))
`,
    { env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap' } },
  );
  toolSession = session;
  // another tool's credential_process: prints a session it holds, says so on stderr, counts its runs
  const issued = join(box.home, 'tool-credentials.json');
  writeFileSync(issued, JSON.stringify({ Version: 1, ...session }), { mode: 0o600 });
  toolRuns = join(box.home, 'tool-runs.txt');
  const tool = join(box.home, 'tool.cjs');
  makeExecutable(
    tool,
    `#!${process.execPath}\nconst fs = require('node:fs');\nfs.appendFileSync(${JSON.stringify(toolRuns)}, 'run\\n');\nprocess.stderr.write('tool: issuing credentials\\n');\nprocess.stdout.write(fs.readFileSync(${JSON.stringify(issued)}, 'utf8'));\n`,
  );
  const badTool = join(box.home, 'bad-tool.cjs');
  makeExecutable(badTool, `#!${process.execPath}\nprocess.stdout.write('not json');\n`);
  const mfa = `mfa_process = ${account.mfaProcess}\n`;
  writeFileSync(
    box.configFile,
    `[profile base]\nregion = us-east-1\n\n` +
      `[profile admin]\nrole_arn = ${ROLE_ARN}\nsource_profile = base\nmfa_serial = ${MFA_SERIAL}\nregion = us-east-1\n${mfa}\n` +
      `[profile hop]\nrole_arn = ${HOP_ARN}\nsource_profile = admin\nrole_session_name = chain-session\nduration_seconds = 1800\nregion = us-east-1\n\n` +
      `[profile partner]\nrole_arn = ${PARTNER_ARN}\nsource_profile = hop\nexternal_id = ext-123\nregion = us-east-1\n\n` +
      `[profile nopartner]\nrole_arn = ${PARTNER_ARN}\nsource_profile = hop\nregion = us-east-1\n\n` +
      `[profile tool]\ncredential_process = ${tool}\nregion = us-east-1\n\n` +
      `[profile badtool]\ncredential_process = ${badTool}\n\n` +
      `[profile toolrole]\nrole_arn = ${MFAHOP_ARN}\nsource_profile = tool\nmfa_serial = ${MFA_SERIAL}\nregion = us-east-1\n${mfa}\n` +
      `[profile envrole]\nrole_arn = ${HOP_ARN}\ncredential_source = Environment\nregion = us-east-1\n\n` +
      `[profile loopa]\nrole_arn = ${HOP_ARN}\nsource_profile = loopb\n\n[profile loopb]\nrole_arn = ${HOP_ARN}\nsource_profile = loopa\n\n` +
      `[profile work]\nsso_session = corp\nsso_account_id = ${ACCOUNT_ID}\nsso_role_name = AdministratorAccess\nregion = us-east-1\n\n` +
      `[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n` +
      `[profile orgadmin]\nrole_arn = ${ROLE_ARN}\nsource_profile = work\n\n` +
      `[profile console]\nlogin_session = arn:aws:iam::${ACCOUNT_ID}:user/admin\nregion = us-east-1\n`,
  );
  const key = `aws_access_key_id = ${account.key.accessKeyId}\naws_secret_access_key = ${account.key.secretAccessKey}\n`;
  writeFileSync(box.credentialsFile, `[base]\n${key}\n[plain]\n${key}`, { mode: 0o600 });
  await moto.clearRequests();
});

const cliCacheDir = () => join(box.home, '.aws', 'cli', 'cache');
const stsActions = async () => (await moto.requests()).filter((r) => r.service === 'sts' || /AssumeRole|GetSessionToken|GetCallerIdentity/.test(r.action ?? '')).map((r) => r.action);
const count = (list: Array<string | null>, action: string) => list.filter((a) => a === action).length;
const rolegate = (args: string[], env: NodeJS.ProcessEnv = box.env) => run(process.execPath, [rolegateBin, ...args], { env });

test('a role_arn chain with mfa_serial from a static-key profile rolegate did not write: 10 parallel cold calls of credential-process, env and exec cost one code; the AWS CLI reads the same cache entry', { timeout: 180_000 }, async () => {
  const calls = await Promise.all(Array.from({ length: 10 }, () => rolegate(['credential-process', 'admin'])));
  for (const call of calls) assert.equal(call.code, 0, call.stderr);
  const keys = new Set(calls.map((c) => JSON.parse(c.stdout).AccessKeyId));
  assert.equal(keys.size, 1, 'every caller got the same role credentials');
  assert.equal(mfaProcessRuns(account), 1, 'one MFA code');
  let actions = await stsActions();
  assert.equal(count(actions, 'GetSessionToken'), 1);
  assert.equal(count(actions, 'AssumeRole'), 1);
  // botocore's key for {"RoleArn", "SerialNumber"}: the AWS CLI finds the entry and asks for no code
  assert.deepEqual(readdirSync(cliCacheDir()), [`${awsCliCacheKey({ RoleArn: ROLE_ARN, SerialNumber: MFA_SERIAL })}.json`]);
  await moto.clearRequests();
  const aws = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: '' });
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(JSON.parse(aws.stdout).Arn, /:assumed-role\/admin\//);
  const log = await moto.requests();
  assert.deepEqual(log.map((r) => r.action), ['GetCallerIdentity']);
  assert.equal(log[0]?.access_key, [...keys][0]);

  // cold again, through all three delivery commands at once
  const out = await rolegate(['logout', 'admin']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(readdirSync(cliCacheDir()).length, 0);
  await moto.clearRequests();
  const mixed = await Promise.all([
    ...Array.from({ length: 4 }, () => rolegate(['credential-process', 'admin'])),
    ...Array.from({ length: 3 }, () => rolegate(['env', 'admin', '--format', 'json'])),
    ...Array.from({ length: 3 }, () => rolegate(['exec', 'admin', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'])),
  ]);
  for (const call of mixed) assert.equal(call.code, 0, call.stderr);
  assert.equal(mfaProcessRuns(account), 2, 'one more code for ten more cold callers');
  actions = await stsActions();
  assert.equal(count(actions, 'GetSessionToken'), 1);
  assert.equal(count(actions, 'AssumeRole'), 1);
  const served = new Set([...mixed.slice(0, 4).map((c) => JSON.parse(c.stdout).AccessKeyId), ...mixed.slice(4, 7).map((c) => JSON.parse(c.stdout).AWS_ACCESS_KEY_ID)]);
  assert.equal(served.size, 1);
  for (const call of mixed.slice(7)) assert.match(JSON.parse(call.stdout).Arn, /:assumed-role\/admin\//);
});

test('a chain of depth 3 (role from role from static key) sends role_session_name, external_id and duration_seconds; the AWS CLI uses the entries rolegate wrote', { timeout: 120_000 }, async () => {
  const hop = await rolegate(['credential-process', 'hop']);
  assert.equal(hop.code, 0, hop.stderr);
  const issued = JSON.parse(hop.stdout);
  const lifetime = Date.parse(issued.Expiration) - Date.now();
  assert.ok(lifetime <= 1_800_000 && lifetime > 1_700_000, `duration_seconds = 1800 honoured (${lifetime} ms left)`);
  assert.deepEqual(await stsActions(), ['GetSessionToken', 'AssumeRole', 'AssumeRole']);
  assert.equal(mfaProcessRuns(account), 1);
  const hopEntry = join(cliCacheDir(), `${awsCliCacheKey({ RoleArn: HOP_ARN, RoleSessionName: 'chain-session', DurationSeconds: 1800 })}.json`);
  assert.equal(JSON.parse(readFileSync(hopEntry, 'utf8')).Credentials.AccessKeyId, issued.AccessKeyId);
  await moto.clearRequests();
  const who = await runAws(['--profile', 'hop', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: '' });
  assert.equal(who.code, 0, who.stderr);
  assert.match(JSON.parse(who.stdout).Arn, /:assumed-role\/hop\/chain-session$/, 'role_session_name honoured');
  assert.deepEqual(await stsActions(), ['GetCallerIdentity'], 'the AWS CLI used the entry rolegate wrote');

  // depth 4, with the external id the role's trust policy asks for (the strict layer checks it)
  await moto.clearRequests();
  const partner = await rolegate(['env', 'partner', '--format', 'json']);
  assert.equal(partner.code, 0, partner.stderr);
  assert.deepEqual(await stsActions(), ['AssumeRole'], 'the links below came from the cache');
  const refused = await rolegate(['credential-process', 'nopartner']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /AWS denied assuming .*role\/partner/);
  assert.match(refused.stderr, /profile nopartner/);
  assert.equal(mfaProcessRuns(account), 1);
});

test('mfa_serial on a role whose source is another tool\'s credential_process: AssumeRole carries the code; 10 parallel cold calls cost one code and one run of the tool', { timeout: 180_000 }, async () => {
  const calls = await Promise.all(Array.from({ length: 10 }, () => rolegate(['credential-process', 'toolrole'])));
  for (const call of calls) assert.equal(call.code, 0, call.stderr);
  assert.equal(new Set(calls.map((c) => JSON.parse(c.stdout).AccessKeyId)).size, 1);
  assert.equal(mfaProcessRuns(account), 1, 'one MFA code');
  assert.equal(readFileSync(toolRuns, 'utf8').split('\n').filter(Boolean).length, 1, 'the tool ran once');
  assert.equal(calls.filter((c) => c.stderr.includes('tool: issuing credentials')).length, 1, "the tool's stderr is passed through");
  const actions = await stsActions();
  assert.deepEqual(actions, ['AssumeRole'], 'no MFA session: the code went with AssumeRole (the trust policy wants MFA)');
  assert.ok(existsSync(join(cliCacheDir(), `${awsCliCacheKey({ RoleArn: MFAHOP_ARN, SerialNumber: MFA_SERIAL })}.json`)));
  const exec = await rolegate(['exec', 'toolrole', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(JSON.parse(exec.stdout).Arn, /:assumed-role\/mfahop\//);
  assert.equal(mfaProcessRuns(account), 1);
});

test("another tool's credential_process is served, and output that breaks the contract is refused naming the profile", async () => {
  const first = await rolegate(['credential-process', 'tool']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /tool: issuing credentials/);
  const second = await rolegate(['env', 'tool', '--format', 'json']);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout).AWS_ACCESS_KEY_ID, JSON.parse(first.stdout).AccessKeyId);
  assert.equal(readFileSync(toolRuns, 'utf8').split('\n').filter(Boolean).length, 1, 'cached until it expires');
  const bad = await rolegate(['credential-process', 'badtool']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /the credential_process of profile badtool printed something that is not JSON/);
  assert.match(bad.stderr, /next: /);
});

test('credential_source = Environment: the role is assumed with the keys in the environment', async () => {
  const missing = await rolegate(['credential-process', 'envrole']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /profile envrole: credential_source Environment gave no credentials/);
  const env = { ...box.env, AWS_ACCESS_KEY_ID: account.key.accessKeyId, AWS_SECRET_ACCESS_KEY: account.key.secretAccessKey };
  const result = await rolegate(['credential-process', 'envrole'], env);
  assert.equal(result.code, 0, result.stderr);
  const log = await moto.requests();
  assert.deepEqual(log.map((r) => r.action), ['AssumeRole']);
  assert.equal(log[0]?.access_key, account.key.accessKeyId);
});

test('a static key is served as it stands, with a warning that points to audit and import', async () => {
  const result = await rolegate(['credential-process', 'plain']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(Object.keys(JSON.parse(result.stdout)).sort(), ['AccessKeyId', 'SecretAccessKey', 'Version']);
  assert.equal(JSON.parse(result.stdout).AccessKeyId, account.key.accessKeyId);
  assert.match(result.stderr, /long-term access key .* rolegate audit .* rolegate import plain/);
  const env = await rolegate(['env', 'plain', '--format', 'bash']);
  assert.equal(env.code, 0, env.stderr);
  assert.match(env.stdout, /^unset .*AWS_SESSION_TOKEN/m);
  assert.doesNotMatch(env.stdout, /export AWS_SESSION_TOKEN/);
  const exec = await rolegate(['exec', 'plain', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(JSON.parse(exec.stdout).Arn, /:user\/admin$/);
  assert.deepEqual(await stsActions(), ['GetCallerIdentity'], 'no STS call of rolegate');
});

test('a source_profile loop is refused before any AWS call, naming the loop; a failing base is named', async () => {
  const result = await rolegate(['credential-process', 'loopa']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /profile loopa cannot be served: its source_profile settings form a loop \(loopa → loopb → loopa\)/);
  assert.match(result.stderr, /next: change source_profile/);
  assert.deepEqual(await moto.requests(), []);
  // a base that fails is named, with its own next step
  const sso = await rolegate(['credential-process', 'orgadmin']);
  assert.notEqual(sso.code, 0);
  assert.match(sso.stderr, /profile orgadmin takes its credentials from profile work, which failed: /);
  assert.match(sso.stderr, /next: /);
});

test('status shows every kind without a prompt; logout of a chain removes what rolegate and the AWS CLI cached for it, never a key', { timeout: 120_000 }, async () => {
  for (const profile of ['hop', 'tool']) assert.equal((await rolegate(['credential-process', profile])).code, 0);
  const runs = mfaProcessRuns(account);
  await moto.clearRequests();
  const status = await runRolegate(['status', '--json', '--offline'], { env: box.env });
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout);
  const kinds = Object.fromEntries(report.profiles.map((p: { profile: string; kind: string }) => [p.profile, p.kind]));
  assert.deepEqual(kinds, {
    base: 'session',
    admin: 'role',
    hop: 'assume-role',
    partner: 'assume-role',
    nopartner: 'assume-role',
    tool: 'process',
    badtool: 'process',
    toolrole: 'assume-role',
    envrole: 'assume-role',
    work: 'sso',
    orgadmin: 'assume-role',
    console: 'login',
    plain: 'static',
  });
  const hop = report.profiles.find((p: { profile: string }) => p.profile === 'hop');
  assert.equal(hop.links[0].state, 'valid');
  assert.deepEqual(report.other.map((o: { profile: string }) => o.profile).sort(), ['loopa', 'loopb']);
  const text = await runRolegate(['status', '--offline'], { env: box.env });
  assert.equal(text.code, 0, text.stderr);
  for (const profile of Object.keys(kinds)) assert.match(text.stdout, new RegExp(`^${profile} `, 'm'));
  assert.equal(mfaProcessRuns(account), runs, 'status asks for no code');
  assert.deepEqual(await moto.requests(), [], 'and calls nothing');

  const before = readdirSync(cliCacheDir()).length;
  assert.equal(before, 2, 'admin and hop');
  const out = await runRolegate(['logout', 'hop', '--json'], { env: box.env });
  assert.equal(out.code, 0, out.stderr);
  const removed: string[] = JSON.parse(out.stdout).removed;
  assert.equal(removed.filter((p) => p.startsWith(cliCacheDir())).length, 2, 'hop and the admin role below it');
  assert.ok(removed.some((p) => p.endsWith('session-base.json')), "the base key profile's MFA session");
  assert.equal(readdirSync(cliCacheDir()).length, 0);
  assert.match(readFileSync(box.credentialsFile, 'utf8'), /aws_access_key_id/, 'the key stays');
  const all = await runRolegate(['logout', '--json'], { env: box.env });
  assert.equal(all.code, 0, all.stderr);
  assert.ok(JSON.parse(all.stdout).removed.some((p: string) => p.endsWith('process-tool.json')), "the tool's cached credentials");
});

let federation: FederationStandIn;
before(async () => (federation = await startFederationStandIn()));
after(() => federation.close());

test('console login (federation stand-in) from a role chain federates its role credentials; from a static long-term key, a federated user (GetFederationToken)', async () => {
  const env = { ...box.env, ROLEGATE_TEST_FEDERATION_ENDPOINT: federation.endpoint };
  federation.requests.length = 0;
  const hop = await runRolegate(['login', 'hop', '--stdout'], { env });
  assert.equal(hop.code, 0, hop.stderr);
  assert.match(hop.stdout, /^https:\/\/signin\.aws\.amazon\.com\/federation\?Action=login&/);
  const session = federation.requests[0]!.session!;
  const sts = new STSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: session.sessionId, secretAccessKey: session.sessionKey, sessionToken: session.sessionToken } });
  assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '', /:assumed-role\/hop\/chain-session$/);
  assert.equal(mfaProcessRuns(account), 1);
  await moto.clearRequests();
  const plain = await runRolegate(['login', 'plain', '--stdout'], { env });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /a federated user/);
  assert.deepEqual(await stsActions(), ['GetFederationToken']);
  assert.equal(federation.requests.length, 2);
});

test("exec's renewing endpoint re-runs the chain: a boto3 child under exec hop outlives its first role credentials (TEST HOOK ROLEGATE_TEST_ROLE_LIFETIME_SECONDS=6), no new code", { timeout: 90_000 }, async () => {
  const script = `
import boto3, time, json
sts = boto3.client("sts", region_name="us-east-1")
arns, keys = [], []
for i in range(10):
    arns.append(sts.get_caller_identity()["Arn"])
    keys.append(sts._request_signer._credentials.get_frozen_credentials().access_key)
    time.sleep(1)
print(json.dumps({"arns": arns, "keys": keys}))
`;
  const result = await runRolegate(['exec', 'hop', '--', join(venvBin, 'python'), '-c', script], { env: { ...box.env, ROLEGATE_TEST_ROLE_LIFETIME_SECONDS: '6' }, timeoutMs: 80_000 });
  assert.equal(result.code, 0, result.stderr);
  const { arns, keys } = JSON.parse(result.stdout.trim().split('\n').pop()!) as { arns: string[]; keys: string[] };
  assert.equal(arns.length, 10, 'every call succeeded');
  assert.ok(arns.every((arn) => /:assumed-role\/hop\/chain-session$/.test(arn)));
  assert.ok(new Set(keys).size >= 2, `the child got renewed credentials: ${new Set(keys).size} distinct keys`);
  assert.equal(mfaProcessRuns(account), 1, 'renewals come from the cached MFA session below');
});

test('credential_source = EcsContainer and Ec2InstanceMetadata (IMDSv2): a stand-in for the container endpoint and the instance metadata service hands out the base credentials', async () => {
  const seen: string[] = [];
  const standIn = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const creds = JSON.stringify({ Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: toolSession.AccessKeyId, SecretAccessKey: toolSession.SecretAccessKey, Token: toolSession.SessionToken, Expiration: toolSession.Expiration });
    if (request.method === 'GET' && request.url === '/container/creds' && request.headers.authorization === 'container-token') return response.end(creds);
    if (request.method === 'PUT' && request.url === '/latest/api/token' && request.headers['x-aws-ec2-metadata-token-ttl-seconds']) return response.end('imds-token');
    const imds = request.headers['x-aws-ec2-metadata-token'] === 'imds-token';
    if (imds && request.url === '/latest/meta-data/iam/security-credentials/') return response.end('instance-role');
    if (imds && request.url === '/latest/meta-data/iam/security-credentials/instance-role') return response.end(creds);
    response.writeHead(401).end();
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  try {
    const at = `http://127.0.0.1:${(standIn.address() as { port: number }).port}`;
    appendFileSync(
      box.configFile,
      `\n[profile ecsrole]\nrole_arn = ${HOP_ARN}\ncredential_source = EcsContainer\nregion = us-east-1\n\n[profile ec2role]\nrole_arn = ${PARTNER_ARN}\nexternal_id = ext-123\ncredential_source = Ec2InstanceMetadata\nregion = us-east-1\n`,
    );
    const ecs = await rolegate(['credential-process', 'ecsrole'], { ...box.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${at}/container/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container-token' });
    assert.equal(ecs.code, 0, ecs.stderr);
    const ec2 = await rolegate(['credential-process', 'ec2role'], { ...box.env, AWS_EC2_METADATA_SERVICE_ENDPOINT: at, AWS_EC2_METADATA_DISABLED: 'false' });
    assert.equal(ec2.code, 0, ec2.stderr);
    assert.deepEqual(seen, ['GET /container/creds', 'PUT /latest/api/token', 'GET /latest/meta-data/iam/security-credentials/', 'GET /latest/meta-data/iam/security-credentials/instance-role']);
    const assumed = (await moto.requests()).filter((r) => r.action === 'AssumeRole');
    assert.deepEqual(assumed.map((r) => r.access_key), [toolSession.AccessKeyId, toolSession.AccessKeyId], 'both signed with the stand-ins\' credentials');
    const off = await rolegate(['credential-process', 'ec2role'], { ...box.env, AWS_EC2_METADATA_DISABLED: 'true' });
    assert.equal(off.code, 0, `served from the cache the first call left: ${off.stderr}`);
  } finally {
    standIn.close();
  }
});
