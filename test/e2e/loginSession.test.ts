import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { useMotoServer } from '../harness/moto.js';
import { run, runAws, runBoto3 } from '../harness/run.js';
import { outputRoot } from '../harness/paths.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { useLoginWorld, USER_ARN, type LoginWorld } from './loginSessionSupport.js';

/**
 * resolveLoginCredentials in a process of its own with the sandbox's environment (the SDK reads
 * HOME and AWS_LOGIN_CACHE_DIRECTORY from the process): its result as JSON, or its error.
 */
async function resolveInChild(login: { profile: string; loginSession: string; region?: string }) {
  const module = pathToFileURL(join(outputRoot, 'src', 'sources', 'login', 'loginCredentials.js')).href;
  const script = `import(${JSON.stringify(module)}).then(async ({ resolveLoginCredentials }) => {
    try {
      const r = await resolveLoginCredentials(${JSON.stringify(login)}, { env: process.env, configFile: process.env.AWS_CONFIG_FILE, credentialsFile: process.env.AWS_SHARED_CREDENTIALS_FILE });
      process.stdout.write(JSON.stringify({ ...r, credentials: { ...r.credentials, expiration: r.credentials.expiration.toISOString() } }));
    } catch (e) { process.stdout.write(JSON.stringify({ error: e.message, next: e.next })); }
  })`;
  const result = await run(process.execPath, ['--input-type=module', '-e', script], { env: world.box.env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as {
    error?: string;
    next?: string;
    refreshed: boolean;
    cacheFile: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
  };
}
async function resolveLoginCredentials(login: { profile: string; loginSession: string; region?: string }, _options?: unknown) {
  const answer = await resolveInChild(login);
  if (answer.error) throw Object.assign(new Error(answer.error), { next: answer.next });
  return { ...answer, credentials: { ...answer.credentials, expiration: new Date(answer.credentials.expiration) } };
}

const moto = useMotoServer();
let world: LoginWorld;
useLoginWorld(moto, (made) => (world = made));

const dev = { profile: 'dev', loginSession: USER_ARN, region: 'us-east-1' };
const options = () => undefined;

test('sign-in service stand-in: an expired console sign-in is refreshed once through the SDK provider, the cache rewritten, and moto accepts the new credentials', async () => {
  const { path, token } = await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  const result = await resolveLoginCredentials(dev, options());
  assert.equal(world.standIn.refreshes() - before, 1, JSON.stringify(world.standIn.requests()));
  assert.equal(result.refreshed, true);
  assert.notEqual(result.credentials.accessKeyId, token.accessToken.accessKeyId);
  const written = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(written.accessToken.accessKeyId, result.credentials.accessKeyId);
  assert.notEqual(written.refreshToken, token.refreshToken, 'the rotated refresh token is written back');
  assert.equal(written.dpopKey, token.dpopKey);
  assert.ok(result.credentials.expiration.getTime() - Date.now() > 14 * 60_000);
  // the credentials are moto's own: AWS answers for the user
  const who = await runAws(['sts', 'get-caller-identity', '--output', 'json'], {
    env: { ...world.box.env, AWS_ACCESS_KEY_ID: result.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: result.credentials.secretAccessKey, AWS_SESSION_TOKEN: result.credentials.sessionToken },
  });
  assert.equal(who.code, 0, who.stderr);
  assert.equal(JSON.parse(who.stdout).Arn, USER_ARN);
  // a second call serves the cache: no refresh
  const again = await resolveLoginCredentials(dev, options());
  assert.equal(again.refreshed, false);
  assert.equal(again.credentials.accessKeyId, result.credentials.accessKeyId);
  assert.equal(world.standIn.refreshes() - before, 1);
  assert.ok(statSync(path).mode & 0o600);
});

test('no cached console sign-in: the error names aws login --profile dev', async () => {
  await assert.rejects(resolveLoginCredentials(dev, options()), (error: Error & { next?: string }) => {
    assert.match(error.message, /console sign-in/);
    assert.match(error.next ?? '', /aws login --profile dev/);
    return true;
  });
});

test('sign-in service stand-in: a session that ended (TOKEN_EXPIRED) asks for aws login again', async () => {
  await world.signIn({ expired: true });
  world.standIn.endSessions();
  await assert.rejects(resolveLoginCredentials(dev, options()), (error: Error & { next?: string }) => {
    assert.match(error.message, /expired|reauthenticate/i);
    assert.match(error.next ?? '', /aws login --profile dev/);
    return true;
  });
});

test('sign-in service stand-in: boto3 (botocore[crt]) serves the login cache rolegate refreshed, without a refresh of its own', async () => {
  await world.signIn({ expired: true });
  const first = await resolveLoginCredentials(dev, options());
  const boto = await runBoto3<{ Arn: string; key: string }>(
    `
import boto3, json
s = boto3.Session(profile_name="dev")
c = s.get_credentials().get_frozen_credentials()
print(json.dumps({"Arn": s.client("sts").get_caller_identity()["Arn"], "key": c.access_key}))
`,
    { env: world.box.env },
  );
  assert.equal(boto.key, first.credentials.accessKeyId, 'boto3 uses the credentials rolegate refreshed');
  assert.equal(boto.Arn, USER_ARN);
  assert.equal(world.standIn.requests().filter((r) => r.agent.startsWith('Boto')).length, 0);
});

test('sign-in service stand-in: botocore refreshes an expired sign-in itself (its DPoP proof accepted), and rolegate then serves what botocore wrote', async () => {
  const { path } = await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  const boto = await runBoto3<{ Arn: string; key: string }>(
    `
import boto3, json
s = boto3.Session(profile_name="dev")
c = s.get_credentials().get_frozen_credentials()
print(json.dumps({"Arn": s.client("sts").get_caller_identity()["Arn"], "key": c.access_key}))
`,
    { env: world.box.env },
  );
  assert.equal(boto.Arn, USER_ARN);
  assert.equal(world.standIn.refreshes() - before, 1, JSON.stringify(world.standIn.requests()));
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).accessToken.accessKeyId, boto.key);
  const served = await resolveLoginCredentials(dev, options());
  assert.equal(served.refreshed, false);
  assert.equal(served.credentials.accessKeyId, boto.key);
  assert.equal(world.standIn.refreshes() - before, 1);
});

test('sign-in service stand-in: 10 processes resolving an expired sign-in at once make one refresh, and all hand out its credentials', async () => {
  await world.signIn({ expired: true });
  const before = world.standIn.refreshes();
  const logged = world.standIn.requests().length;
  const results = await Promise.all(Array.from({ length: 10 }, () => resolveLoginCredentials(dev, options())));
  assert.equal(world.standIn.refreshes() - before, 1, JSON.stringify(world.standIn.requests()));
  assert.equal(new Set(results.map((r) => r.credentials.accessKeyId)).size, 1);
  assert.equal(results.filter((r) => r.refreshed).length, 1);
  assert.deepEqual(world.standIn.requests().slice(logged).filter((r) => r.status !== 200), [], 'no refresh was refused (no rotated token replayed)');
});
