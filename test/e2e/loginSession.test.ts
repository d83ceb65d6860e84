/**
 * login_session profiles (console sign-in, `aws login`) served by rolegate through the AWS SDK's
 * own provider and cache, against the sign-in service stand-in (test/harness/signinStandIn.ts),
 * which hands out credentials moto accepts: every AWS call after the sign-in is real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { run, runAws, runBoto3, runRolegate } from '../harness/run.js';
import { outputRoot, projectRoot, venvBin } from '../harness/paths.js';
import { PYTHON_MFA_HELPERS } from '../harness/mfaCodes.js';
import { useLoginWorld, USER_ARN, type LoginWorld } from './loginSessionSupport.js';

const moto = useMotoServer();
let world: LoginWorld;
useLoginWorld(moto, (made) => (world = made));

interface ProcessCredentials {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

async function credentialProcess(profile = 'dev'): Promise<ProcessCredentials> {
  const result = await runRolegate(['credential-process', profile], { env: world.box.env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ProcessCredentials;
}

function asEnv(c: ProcessCredentials): NodeJS.ProcessEnv {
  return { ...world.box.env, AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken };
}

async function callerArn(env: NodeJS.ProcessEnv, profile?: string): Promise<string> {
  const who = await runAws([...(profile ? ['--profile', profile] : []), 'sts', 'get-caller-identity', '--output', 'json'], { env });
  assert.equal(who.code, 0, who.stderr);
  return (JSON.parse(who.stdout) as { Arn: string }).Arn;
}

test('sign-in service stand-in: credential-process serves a login_session profile: an expired sign-in refreshed once, the login cache rewritten, moto accepts the credentials, the next call answered from the cache', async () => {
  const { path, token } = await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  const first = await credentialProcess();
  assert.equal(world.standIn.refreshes() - before, 1, JSON.stringify(world.standIn.requests()));
  assert.notEqual(first.AccessKeyId, token.accessToken.accessKeyId);
  const written = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(written.accessToken.accessKeyId, first.AccessKeyId, 'the SDK wrote the refreshed credentials back');
  assert.notEqual(written.refreshToken, token.refreshToken, 'and the rotated refresh token');
  assert.equal(written.dpopKey, token.dpopKey);
  assert.ok(Date.parse(first.Expiration) - Date.now() > 14 * 60_000);
  assert.equal(await callerArn(asEnv(first)), USER_ARN);
  const again = await credentialProcess();
  assert.equal(again.AccessKeyId, first.AccessKeyId);
  assert.equal(world.standIn.refreshes() - before, 1, 'no second refresh');
});

test('sign-in service stand-in: the shipped bundle serves a login_session profile (the SDK provider in its own loginCredentials.js, outside credentialProcess.cjs)', async () => {
  await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  const bundled = join(outputRoot, 'bundle', 'cli', 'main.cjs');
  const result = await run(process.execPath, [bundled, 'credential-process', 'dev'], { env: world.box.env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(world.standIn.refreshes() - before, 1);
  assert.equal(await callerArn(asEnv(JSON.parse(result.stdout) as ProcessCredentials)), USER_ARN);
  assert.doesNotMatch(readFileSync(join(outputRoot, 'bundle', 'cli', 'credentialProcess.cjs'), 'utf8'), /fromLoginCredentials|CreateOAuth2Token/);
});

test('a login_session profile without a cached sign-in: credential-process, env and exec name aws login --profile dev', async () => {
  for (const args of [['credential-process', 'dev'], ['env', 'dev'], ['exec', 'dev', '--', 'true']]) {
    const result = await runRolegate(args, { env: world.box.env });
    assert.notEqual(result.code, 0, args.join(' '));
    assert.match(result.stderr, /console sign-in/, args.join(' '));
    assert.match(result.stderr, /aws login --profile dev \(AWS CLI 2\.32 or later\)/, args.join(' '));
    assert.doesNotMatch(result.stderr, /mfa_serial/);
  }
});

test('sign-in service stand-in: a sign-in that ended (TOKEN_EXPIRED) makes credential-process ask for aws login again', async () => {
  await world.signIn({ expired: true });
  world.standIn.endSessions();
  const result = await runRolegate(['credential-process', 'dev'], { env: world.box.env });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /can no longer be renewed/);
  assert.match(result.stderr, /next: sign in again: aws login --profile dev/);
  assert.equal(result.stdout, '');
});

test('sign-in service stand-in: 20 credential-process calls started at once with an expired sign-in cost one refresh, and all print its credentials', async () => {
  await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  const logged = world.standIn.requests().length;
  const results = await Promise.all(Array.from({ length: 20 }, () => runRolegate(['credential-process', 'dev'], { env: world.box.env, timeoutMs: 120_000 })));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(new Set(results.map((r) => (JSON.parse(r.stdout) as ProcessCredentials).AccessKeyId)).size, 1);
  assert.equal(world.standIn.refreshes() - before, 1, JSON.stringify(world.standIn.requests().slice(logged)));
  assert.deepEqual(world.standIn.requests().slice(logged).filter((r) => r.status !== 200), [], 'no rotated refresh token was replayed');
});

test('sign-in service stand-in: boto3 (botocore[crt]) and the JS SDK\'s own provider serve the login cache rolegate refreshed, without a refresh of their own', async () => {
  await world.signIn({ expired: true });
  const served = await credentialProcess();
  const logged = world.standIn.requests().length;
  const boto = await runBoto3<{ Arn: string; key: string }>(
    `
import boto3, json
s = boto3.Session(profile_name="dev")
c = s.get_credentials().get_frozen_credentials()
print(json.dumps({"Arn": s.client("sts").get_caller_identity()["Arn"], "key": c.access_key}))
`,
    { env: world.box.env },
  );
  assert.equal(boto.key, served.AccessKeyId);
  assert.equal(boto.Arn, USER_ARN);
  // the AWS CLI v1 reads the profile too (botocore 1.43's login provider)
  assert.equal(await callerArn(world.box.env, 'dev'), USER_ARN);
  const provider = join(projectRoot, 'node_modules', '@aws-sdk', 'credential-provider-login', 'dist-cjs', 'index.js');
  const js = await run(process.execPath, ['-e', `require(${JSON.stringify(provider)}).fromLoginCredentials({ profile: 'dev' })().then((c) => console.log(c.accessKeyId))`], { env: world.box.env });
  assert.equal(js.code, 0, js.stderr);
  assert.equal(js.stdout.trim(), served.AccessKeyId);
  assert.deepEqual(world.standIn.requests().slice(logged), [], 'nobody refreshed again');
});

test('sign-in service stand-in: botocore refreshes an expired sign-in itself (its DPoP proof accepted), and rolegate then serves what botocore wrote', async () => {
  const { path } = await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  assert.equal(await callerArn(world.box.env, 'dev'), USER_ARN);
  assert.equal(world.standIn.refreshes() - before, 1, JSON.stringify(world.standIn.requests()));
  const written = JSON.parse(readFileSync(path, 'utf8')) as { accessToken: { accessKeyId: string } };
  const served = await credentialProcess();
  assert.equal(served.AccessKeyId, written.accessToken.accessKeyId);
  assert.equal(world.standIn.refreshes() - before, 1);
});

test('sign-in service stand-in: env hands out what the console credentials have left, says when they expire, and the AWS CLI works with them', async () => {
  await world.signIn({ expired: true });
  const result = await runRolegate(['env', 'dev', '--format', 'json'], { env: world.box.env });
  assert.equal(result.code, 0, result.stderr);
  const vars = JSON.parse(result.stdout) as Record<string, string>;
  assert.ok(Date.parse(vars.AWS_CREDENTIAL_EXPIRATION!) - Date.now() > 14 * 60_000);
  assert.match(result.stderr, /expire at .*renew them with/);
  const env = { ...world.box.env, ...vars };
  assert.equal(await callerArn(env), USER_ARN);
});

test('sign-in service stand-in: exec serves a login_session profile from its endpoint and renews it: a boto3 child outlives its first console credentials (the stand-in hands out 302 s ones)', { timeout: 90_000 }, async () => {
  world.standIn.setExpiresIn(302);
  await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  const script = `
import boto3, time, json
sts = boto3.client("sts", region_name="us-east-1")
seen = []
for i in range(6):
    arn = sts.get_caller_identity()["Arn"]
    seen.append([arn, sts._request_signer._credentials.get_frozen_credentials().access_key])
    time.sleep(1.2)
print(json.dumps(seen))
`;
  const result = await runRolegate(['exec', 'dev', '--', join(venvBin, 'python'), '-c', script], { env: world.box.env, timeoutMs: 80_000 });
  assert.equal(result.code, 0, result.stderr);
  const seen = JSON.parse(result.stdout.trim().split('\n').pop()!) as Array<[string, string]>;
  assert.equal(seen.length, 6, 'every call succeeded');
  assert.ok(seen.every(([arn]) => arn === USER_ARN));
  assert.ok(new Set(seen.map(([, key]) => key)).size >= 2, `the child got renewed credentials: ${JSON.stringify(seen.map(([, k]) => k))}`);
  assert.ok(world.standIn.refreshes() - before >= 2, 'the endpoint renewed through the sign-in service');
});

test('sign-in service stand-in: status shows the console sign-in; logout removes what rolegate cached and the sign-in, as aws logout does', async () => {
  const { path } = await world.signIn({ expired: true });
  await credentialProcess();
  const status = await runRolegate(['status', '--json'], { env: world.box.env });
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { profiles: Array<{ profile: string; type: string; from: string; identity: string | null; links: Array<{ name: string; state: string; cacheFile?: string }> }> };
  const dev = report.profiles.find((p) => p.profile === 'dev');
  assert.ok(dev, status.stdout);
  assert.equal(dev.type, 'console sign-in');
  assert.match(dev.from, /aws login/);
  assert.equal(dev.identity, USER_ARN);
  assert.deepEqual(
    dev.links.map((l) => [l.name, l.state]),
    [
      ['console sign-in', 'valid'],
      ['credentials handed out', 'valid'],
    ],
  );
  assert.equal(dev.links[0]!.cacheFile, path);
  const handout = dev.links[1]!.cacheFile!;
  assert.ok(existsSync(handout));

  const logout = await runRolegate(['logout', 'dev', '--json'], { env: world.box.env });
  assert.equal(logout.code, 0, logout.stderr);
  assert.deepEqual((JSON.parse(logout.stdout) as { removed: string[] }).removed.sort(), [handout, path].sort());
  assert.equal(existsSync(path), false);
  assert.equal(existsSync(handout), false);
  const after = await runRolegate(['credential-process', 'dev'], { env: world.box.env });
  assert.notEqual(after.code, 0);
  assert.match(after.stderr, /aws login --profile dev/);
});

test('sign-in service stand-in: a role_arn profile with source_profile = the login_session profile and mfa_serial: 10 parallel cold credential-process calls cost one refresh, one MFA code and one AssumeRole signed with the console credentials', { timeout: 180_000 }, async () => {
  // user dev's MFA device, and a role that trusts dev only with MFA
  const seed = await runBoto3<string>(
    `
import boto3, json
${PYTHON_MFA_HELPERS}
iam = boto3.client("iam")
d = iam.create_virtual_mfa_device(VirtualMFADeviceName="dev")["VirtualMFADevice"]
enable_mfa(iam, "dev", d["SerialNumber"], d["Base32StringSeed"])
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${USER_ARN}"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
iam.create_role(RoleName="dev-admin", AssumeRolePolicyDocument=json.dumps(trust))
s = d["Base32StringSeed"]
print(json.dumps(s.decode() if isinstance(s, bytes) else s))
`,
    { env: { ...world.box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap' } },
  );
  const seedFile = join(world.box.home, 'mfa-seed.txt');
  writeFileSync(seedFile, seed, { mode: 0o600 });
  const counter = join(world.box.home, 'mfa-calls.txt');
  const codeCommand = `'${process.execPath}' '${join(outputRoot, 'test', 'e2e', 'credMfaCode.js')}' '${seedFile}' '${counter}'`;
  writeFileSync(
    world.box.configFile,
    readFileSync(world.box.configFile, 'utf8') +
      `\n[profile dev-admin]\nrole_arn = arn:aws:iam::123456789012:role/dev-admin\nsource_profile = dev\nmfa_serial = arn:aws:iam::123456789012:mfa/dev\nmfa_process = ${codeCommand}\nregion = us-east-1\n`,
  );
  const { token } = await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  await moto.clearRequests();
  const results = await Promise.all(Array.from({ length: 10 }, () => runRolegate(['credential-process', 'dev-admin'], { env: world.box.env, timeoutMs: 120_000 })));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(new Set(results.map((r) => (JSON.parse(r.stdout) as ProcessCredentials).AccessKeyId)).size, 1);
  assert.equal(world.standIn.refreshes() - before, 1, 'one refresh of the console sign-in');
  assert.equal(readFileSync(counter, 'utf8').trim().split('\n').length, 1, 'one MFA code');
  const assumed = (await moto.requests()).filter((r) => r.action === 'AssumeRole');
  assert.equal(assumed.length, 1);
  const refreshedKey = (JSON.parse(readFileSync(join(world.box.home, '.aws', 'login', 'cache', readdirSync(join(world.box.home, '.aws', 'login', 'cache'))[0]!), 'utf8')) as { accessToken: { accessKeyId: string } }).accessToken.accessKeyId;
  assert.notEqual(refreshedKey, token.accessToken.accessKeyId);
  assert.equal(assumed[0]!.access_key, refreshedKey, 'AssumeRole was signed with the refreshed console credentials');
  assert.match(await callerArn(asEnv(JSON.parse(results[0]!.stdout) as ProcessCredentials)), /^arn:aws:sts::123456789012:assumed-role\/dev-admin\//);
});
