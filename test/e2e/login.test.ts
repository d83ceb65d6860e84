/**
 * `rolegate login` end to end: moto plays STS and IAM; a stand-in plays the console federation
 * endpoint (moto has none; test/e2e/federationStandIn.ts checks every request against AWS's
 * documented shape); a stand-in plays the browser behind xdg-open (none is installed).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { useMotoServer } from '../harness/moto.js';
import { sessionCacheFile } from '../../src/files/rolegatePaths.cjs';
import type { Sandbox } from '../harness/sandbox.js';
import { runBoto3, runRolegate } from '../harness/run.js';
import { useCredAccount, mfaProcessRuns, writeGuideLayout, type Account } from './credFixture.js';
import { browserRecord, installBrowserStandIn } from './browserFixture.js';
import { startFederationStandIn, type FederationStandIn, type SessionJson } from './federationStandIn.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

/** Who moto says the credentials are (the stand-in takes role credentials only, as the console does). */
async function identity(session: SessionJson): Promise<string> {
  const sts = new STSClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: session.sessionId, secretAccessKey: session.sessionKey, sessionToken: session.sessionToken },
  });
  return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
}

let federation: FederationStandIn;
let refusing: FederationStandIn;
let hung: FederationStandIn;
before(async () => {
  federation = await startFederationStandIn({
    // like AWS: role credentials and federated-user credentials, never an MFA session or a user
    // key. moto does not know its own federated-user credentials (GetCallerIdentity answers
    // user/moto for them, where the strict layer names an MFA session's user), so a non-role
    // session is taken only as user/moto, and never when it is the MFA session rolegate cached.
    accept: async (session) => {
      const who = await identity(session);
      if (/:assumed-role\//.test(who)) return true;
      const cached = sessionCacheFile('session-default', box.env);
      const mfaSession = existsSync(cached) ? (JSON.parse(readFileSync(cached, 'utf8')) as { Credentials: { SessionToken: string } }).Credentials : undefined;
      return /:user\/moto$/.test(who) && mfaSession !== undefined && session.sessionToken !== mfaSession.SessionToken;
    },
  });
  refusing = await startFederationStandIn({ accept: async () => false });
  hung = await startFederationStandIn({ hang: true });
});
after(async () => {
  await Promise.all([federation.close(), refusing.close(), hung.close()]);
});

const login = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  runRolegate(['login', ...args], { env: { ...box.env, ROLEGATE_TEST_FEDERATION_ENDPOINT: federation.endpoint, ...extra } });

function parseSignin(url: string) {
  const parsed = new URL(url);
  return { base: parsed.origin + parsed.pathname, params: Object.fromEntries(parsed.searchParams), keys: [...parsed.searchParams.keys()] };
}

function assertNoSecret(texts: string[], secrets: string[]) {
  for (const secret of secrets) for (const text of texts) assert.ok(!text.includes(secret), 'a secret reached the output');
}

test('login admin --stdout: role credentials from the MFA session to the federation endpoint, the sign-in URL on stdout and nothing secret elsewhere', async () => {
  federation.requests.length = 0;
  const result = await login(['admin', '--stdout']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(federation.requests.length, 1);
  const request = federation.requests[0]!;
  assert.equal(request.status, 200, 'the stand-in found the request exactly as AWS documents it');
  assert.deepEqual(Object.keys(request.params), ['Action', 'Session'], 'no SessionDuration: AWS refuses it for a role assumed from an MFA session');
  assert.match(await identity(request.session!), /:assumed-role\/admin\/rolegate-admin$/);
  const lines = result.stdout.split('\n');
  assert.deepEqual(lines.slice(1), [''], 'stdout is the URL alone');
  const signin = parseSignin(lines[0]!);
  assert.equal(signin.base, 'https://signin.aws.amazon.com/federation');
  assert.deepEqual(signin.keys, ['Action', 'Destination', 'SigninToken']);
  assert.deepEqual(signin.params, { Action: 'login', Destination: 'https://console.aws.amazon.com/console/home?region=us-east-1', SigninToken: request.token });
  assertNoSecret([result.stdout, result.stderr], [request.session!.sessionKey, request.session!.sessionToken, account.key.secretAccessKey]);
  assertNoSecret([result.stderr], [request.token!]);
  assert.match(result.stderr, /use it within 15 minutes; the console session ends at/);
  assert.equal(mfaProcessRuns(account), 1);

  // a second sign-in while the MFA session lasts: no new code, fresh role credentials and token
  const again = await login(['admin', '--stdout']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(mfaProcessRuns(account), 1, 'no new MFA code');
  assert.notEqual(federation.requests[1]!.session!.sessionId, request.session!.sessionId);
  const calls = (await moto.requests()).map((r) => r.action).filter((a) => a === 'GetSessionToken' || a === 'AssumeRole');
  assert.deepEqual(calls, ['GetSessionToken', 'AssumeRole', 'AssumeRole']);
});

test('login admin --region --destination --duration: the page, the region and a 30-minute console session', async () => {
  const before = Date.now();
  const result = await login(['admin', '--stdout', '--region', 'eu-west-1', '--destination', 's3/home', '--duration', '30m']);
  assert.equal(result.code, 0, result.stderr);
  const signin = parseSignin(result.stdout.trim());
  assert.equal(signin.params.Destination, 'https://console.aws.amazon.com/s3/home?region=eu-west-1');
  const ends = Date.parse(/session ends at (\S+)/.exec(result.stderr)![1]!);
  assert.ok(ends - before > 29 * 60_000 && ends - before < 31 * 60_000, `ends ${new Date(ends).toISOString()}`);
});

test('login checks what it can before any AWS call: a role session over 1 h, a region of another partition, a foreign destination', async () => {
  for (const [args, pattern] of [
    [['admin', '--duration', '2h'], /at most 1 hour \(AWS role chaining\)/],
    [['admin', '--region', 'cn-north-1'], /region cn-north-1 is in partition aws-cn/],
    [['admin', '--destination', 'https://example.com/console.aws.amazon.com/'], /not a page of the aws console/],
    [['admin', '--region', 'Europe'], /not a region name/],
    [['nosuch'], /there is no profile named nosuch/],
  ] as const) {
    const result = await login([...args, '--stdout']);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, pattern);
    assert.equal(result.stdout, '');
  }
  assert.equal(mfaProcessRuns(account), 0, 'no MFA code asked');
  assert.deepEqual((await moto.requests()).filter((r) => r.action), [], 'no AWS call');
  assert.equal(federation.requests.filter((r) => r.status === 0).length, 0);
});

test('login default: a federated user from GetFederationToken signed with the long-term key, after the day\'s MFA code', async () => {
  federation.requests.length = 0;
  const result = await login(['default', '--stdout', '--duration', '8h']);
  assert.equal(result.code, 0, result.stderr);
  const request = federation.requests[0]!;
  assert.equal(request.status, 200);
  assert.deepEqual(Object.keys(request.params), ['Action', 'Session'], 'AWS refuses SessionDuration for GetFederationToken credentials');
  const log = await moto.requests();
  const federationCall = log.find((r) => r.action === 'GetFederationToken');
  assert.equal(federationCall?.access_key, account.key.accessKeyId, 'signed with the long-term key (AWS refuses MFA sessions)');
  assert.ok(log.findIndex((r) => r.action === 'GetSessionToken') < log.findIndex((r) => r.action === 'GetFederationToken'), 'the MFA session first');
  assert.equal(mfaProcessRuns(account), 1);
  const signin = parseSignin(result.stdout.trim());
  assert.equal(signin.params.SigninToken, request.token);
  assertNoSecret([result.stdout, result.stderr], [request.session!.sessionKey, request.session!.sessionToken, account.key.secretAccessKey]);
  assert.match(result.stderr, /a federated user/);
  const tooLong = await login(['default', '--stdout', '--duration', '37h']);
  assert.equal(tooLong.code, 2);
  assert.match(tooLong.stderr, /15 minutes to 36 hours/);
});

test('login with the guide layout (role_arn, source_profile, key in the credentials file) signs in as the role', async () => {
  writeGuideLayout(box, account);
  federation.requests.length = 0;
  const result = await login(['admin', '--stdout']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(await identity(federation.requests[0]!.session!), /:assumed-role\/admin\/rolegate-admin$/);
});

test('a federation endpoint that refuses, or never answers, ends with a clear error, exit 1 and no secret', async () => {
  const refused = await login(['admin', '--stdout'], { ROLEGATE_TEST_FEDERATION_ENDPOINT: refusing.endpoint });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /127\.0\.0\.1:\d+ refused to issue a console sign-in token \(HTTP 400\)/);
  assert.equal(refused.stdout, '');
  const session = refusing.requests[0]!.session!;
  assertNoSecret([refused.stderr], [session.sessionKey, session.sessionToken, session.sessionId]);

  const hanging = await login(['admin', '--stdout'], { ROLEGATE_TEST_FEDERATION_ENDPOINT: hung.endpoint, ROLEGATE_TEST_FEDERATION_TIMEOUT_MS: '1500' });
  assert.equal(hanging.code, 1);
  assert.match(hanging.stderr, /could not get a console sign-in token from 127\.0\.0\.1:\d+ \(no answer within 2 s\)/);
  assert.equal(hung.requests.length, 1);
});

test('login opens the browser on a one-time loopback link: the sign-in URL never reaches the opener argv', { skip: process.platform !== 'linux' }, async () => {
  const { bin, record } = installBrowserStandIn(box.home);
  federation.requests.length = 0;
  const result = await login(['admin'], { PATH: `${bin}:${box.env.PATH}`, ROLEGATE_TEST_BROWSER_RECORD: record });
  assert.equal(result.code, 0, result.stderr);
  const seen = await browserRecord(record);
  const token = federation.requests[0]!.token!;
  assert.equal(seen.argv.length, 1);
  assert.match(seen.argv[0], /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}$/);
  assert.ok(!JSON.stringify(seen.argv).includes(token));
  assert.equal(seen.first.status, 302);
  const signin = parseSignin(seen.first.location);
  assert.equal(signin.base, 'https://signin.aws.amazon.com/federation');
  assert.equal(signin.params.SigninToken, token);
  assert.ok(seen.second.error || seen.second.status === 404, 'the link works once');
  assertNoSecret([result.stdout, result.stderr], [token]);
  assert.match(result.stderr, /signed in; the console session ends at/);
});

const canSwitchUser = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

test('the loopback link refuses a process of another user (Linux, run as root to have one)', { skip: !canSwitchUser && 'needs root and setpriv' }, async () => {
  const { bin, record } = installBrowserStandIn(box.home);
  const result = await login(['admin'], { PATH: `${bin}:${box.env.PATH}`, ROLEGATE_TEST_BROWSER_RECORD: record, ROLEGATE_TEST_BROWSER_AS_NOBODY: '1' });
  assert.equal(result.code, 0, result.stderr);
  const seen = await browserRecord(record);
  assert.equal(seen.otherUser, '403');
  assert.equal(seen.first.status, 302, 'the owner still gets the redirect');
});

test('login without a browser opener says so and points to --stdout', async () => {
  const result = await login(['admin'], { PATH: '/nonexistent' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no program to open a browser was found \(tried xdg-open, gio\)/);
  assert.match(result.stderr, /--stdout/);
});

test('a user without sts:GetFederationToken: AWS\'s denial, and the statement to add or the role to use', async () => {
  await runBoto3(
    `
import boto3, json
boto3.client("iam").put_user_policy(UserName="admin", PolicyName="session-only", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:GetSessionToken", "Resource": "*"}]}))
print("null")
`,
    { env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap' } },
  );
  await moto.enableAccessControl();
  try {
    const result = await login(['default', '--stdout']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /AWS denied GetFederationToken for profile default/);
    assert.match(result.stderr, /next: allow the user sts:GetFederationToken .*or sign in as the role: rolegate login <role profile>/);
    assert.equal(result.stdout, '');
    assertNoSecret([result.stderr], [account.key.secretAccessKey]);
  } finally {
    await moto.disableAccessControl();
  }
});
