/**
 * credential-process, env and exec start the IAM Identity Center sign-in themselves when no token
 * is usable and a person can be reached (the controlling terminal, here a pseudo-terminal driven by
 * ptyDriver.ts), against the SSO stand-in (test/harness/ssoStandIn.ts: the OIDC service and the
 * portal, which no emulator plays) in front of moto; the AWS CLI (botocore) then uses the token.
 * Every command runs under `sh` with stdout and stderr sent to files, so the screen holds only what
 * rolegate wrote to /dev/tty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { useMotoServer } from '../harness/moto.js';
import { runAws, runRolegate } from '../harness/run.js';
import { rolegateBin, venvBin } from '../harness/paths.js';
import { atTerminal, CTRL_C } from './ptyDriver.js';
import { ACCOUNT, SESSION, tokenFileOf, useSsoWorld, writeCachedToken, type SsoWorld } from './ssoFixture.js';
import { browserRecord, installBrowserStandIn } from './browserFixture.js';

const moto = useMotoServer();
const world = useSsoWorld(moto);

const rolegate = `'${process.execPath}' '${rolegateBin}'`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** The person, in the browser: approves the next device authorization once it has waited a moment (nothing is written before). */
function approveNext({ box, standIn }: SsoWorld) {
  const before = read(tokenFileOf(box, SESSION));
  return standIn.nextDevice().then(async (device) => {
    await sleep(1500);
    assert.equal(read(tokenFileOf(box, SESSION)), before, 'no token written before the approval');
    standIn.approve(device.userCode);
    return device;
  });
}

const signInCounts = (counts: Record<string, number>) => ({
  RegisterClient: counts.RegisterClient ?? 0,
  StartDeviceAuthorization: counts.StartDeviceAuthorization ?? 0,
  tokensIssued: counts['CreateToken:device_code:issued'] ?? 0,
});

test('credential-process for an SSO profile with no token, at a terminal, signs in itself: URL and code on the terminal, credentials on stdout, token cached for the AWS CLI (SSO stand-in)', async () => {
  const w = world();
  const { box, standIn } = w;
  const out = join(box.home, 'out.json');
  const err = join(box.home, 'err.txt');
  const approving = approveNext(w);
  const session = await atTerminal(['sh', '-c', `exec ${rolegate} credential-process work > '${out}' 2> '${err}'`], box.env, [{ expect: 'approve the code', send: '' }]);
  const device = await approving;
  assert.equal(session.error, undefined, session.screen);
  assert.equal(session.status, 0, `${session.screen}\n${read(err)}`);
  const screen = stripVTControlCharacters(session.screen);
  // no display in the sandbox: the URL and code are shown, as on a remote machine
  assert.match(screen, /profile work needs a sign-in: signing in to IAM Identity Center, sso-session corp/);
  assert.ok(screen.includes(`approve the code ${device.userCode}`), screen);
  assert.ok(screen.includes(device.verificationUriComplete), screen);
  assert.match(screen, /waiting up to 10 minutes for the approval \(Ctrl-C to stop\)/);
  assert.match(screen, /signed in; the token lasts until \S+ and is refreshed silently after that/);

  // stdout holds the credentials JSON and nothing else
  const answer = JSON.parse(read(out)) as { Version: number; AccessKeyId: string; SessionToken: string };
  assert.equal(answer.Version, 1);
  assert.ok(answer.AccessKeyId && answer.SessionToken);
  assert.equal(read(out).includes(device.userCode), false);

  const file = tokenFileOf(box, SESSION);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const token = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(token), ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
  assert.match(token.expiresAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(signInCounts(standIn.counts), { RegisterClient: 1, StartDeviceAuthorization: 1, tokensIssued: 1 });
  assert.equal(standIn.counts.GetRoleCredentials, 1);

  const before = { ...standIn.counts };
  const aws = await runAws(['--profile', 'work', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(aws.code, 0, aws.stderr);
  assert.match((JSON.parse(aws.stdout) as { Arn: string }).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/Admin/`));
  for (const op of ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken']) assert.equal(standIn.counts[op], before[op], `no new ${op}: the AWS CLI used the token`);
});

test('15 parallel cold credential-process calls at one terminal start one sign-in: one device authorization, one token, all served (SSO stand-in)', async () => {
  const w = world();
  const { box, standIn } = w;
  const N = 15;
  const approving = approveNext(w);
  const script = `for i in $(seq ${N}); do (${rolegate} credential-process work > '${box.home}'/out$i 2> '${box.home}'/err$i; echo $? > '${box.home}'/code$i) & done; wait`;
  const session = await atTerminal(['sh', '-c', script], box.env, [{ expect: 'approve the code', send: '' }]);
  await approving;
  assert.equal(session.error, undefined, session.screen);
  const screen = stripVTControlCharacters(session.screen);
  assert.equal(screen.match(/approve the code/g)?.length, 1, screen);
  const keys = new Set<string>();
  for (let i = 1; i <= N; i++) {
    assert.equal(read(join(box.home, `code${i}`)).trim(), '0', read(join(box.home, `err${i}`)));
    keys.add((JSON.parse(read(join(box.home, `out${i}`))) as { AccessKeyId: string }).AccessKeyId);
  }
  assert.equal(keys.size, 1, 'every caller got the same credentials');
  assert.deepEqual(signInCounts(standIn.counts), { RegisterClient: 1, StartDeviceAuthorization: 1, tokensIssued: 1 });
  assert.equal(standIn.counts.GetRoleCredentials, 1);
});

test('env at a terminal signs in the same way when the cached token has expired and cannot be refreshed; exec then uses the new token (SSO stand-in)', async () => {
  const w = world();
  const { box, standIn } = w;
  const old = writeCachedToken(w, { expiresInSeconds: -60, refreshable: false });
  const out = join(box.home, 'out.txt');
  const approving = approveNext(w);
  const session = await atTerminal(['sh', '-c', `exec ${rolegate} env work > '${out}' 2> /dev/null`], box.env, [{ expect: 'approve the code', send: '' }]);
  await approving;
  assert.equal(session.status, 0, session.screen);
  assert.match(read(out), /AWS_SESSION_TOKEN=/);
  assert.notEqual((JSON.parse(read(old.file)) as { accessToken: string }).accessToken, old.accessToken, 'the token file holds the new sign-in');
  // the token is there now: exec uses it without a sign-in
  const exec = await runRolegate(['exec', 'work', '--', join(venvBin, 'aws'), 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(exec.code, 0, exec.stderr);
  assert.match((JSON.parse(exec.stdout) as { Arn: string }).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/Admin/`));
  assert.deepEqual(signInCounts(standIn.counts), { RegisterClient: 1, StartDeviceAuthorization: 1, tokensIssued: 1 });
});

test('a token the portal refuses and whose refresh token is refused too (signed out elsewhere): credential-process at a terminal signs in again and serves (SSO stand-in)', async () => {
  const w = world();
  const { box, standIn } = w;
  const old = writeCachedToken(w, { expiresInSeconds: 8 * 3600, refreshable: true });
  standIn.revoke(old.accessToken);
  standIn.revoke(old.refreshToken!);
  const out = join(box.home, 'out.json');
  const err = join(box.home, 'err.txt');
  const approving = approveNext(w);
  const session = await atTerminal(['sh', '-c', `exec ${rolegate} credential-process work > '${out}' 2> '${err}'`], box.env, [{ expect: 'approve the code', send: '' }]);
  await approving;
  assert.equal(session.status, 0, `${session.screen}\n${read(err)}`);
  assert.equal((JSON.parse(read(out)) as { Version: number }).Version, 1);
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1, 'the refresh was tried first');
  assert.deepEqual(signInCounts(standIn.counts), { RegisterClient: 0, StartDeviceAuthorization: 1, tokensIssued: 1 });
  assert.notEqual((JSON.parse(read(old.file)) as { accessToken: string }).accessToken, old.accessToken);
});

test('with no terminal (setsid) and no desktop (no DISPLAY), credential-process, env and exec keep the error naming rolegate sso login and aws sso login, and start no sign-in (SSO stand-in)', async () => {
  const { box, standIn } = world();
  assert.equal(box.env.DISPLAY, undefined);
  for (const args of [['credential-process', 'work'], ['env', 'work'], ['exec', 'work', '--', 'true']]) {
    // runRolegate starts the command in a session of its own: no controlling terminal
    const result = await runRolegate(args, { env: box.env });
    const text = stripVTControlCharacters(result.stderr);
    assert.equal(result.code, 1, text);
    assert.match(text, /not signed in/);
    assert.match(text, /rolegate sso login --profile work/);
    assert.match(text, /aws sso login --profile work/);
  }
  assert.deepEqual(signInCounts(standIn.counts), { RegisterClient: 0, StartDeviceAuthorization: 0, tokensIssued: 0 });
  assert.equal(existsSync(tokenFileOf(box, SESSION)), false);
});

test('Ctrl-C while credential-process waits for the sign-in: exit 130, no token file, nothing on stdout (SSO stand-in)', async () => {
  const { box, standIn } = world();
  const out = join(box.home, 'out.json');
  const err = join(box.home, 'err.txt');
  const session = await atTerminal(['sh', '-c', `exec ${rolegate} credential-process work > '${out}' 2> '${err}'`], box.env, [{ expect: String.raw`Ctrl-C to stop\)`, send: CTRL_C }]);
  assert.equal(session.error, undefined, session.screen);
  assert.equal(session.status, 130, `${session.screen}\n${read(err)}`);
  assert.match(stripVTControlCharacters(read(err)), /interrupted \(Ctrl-C\)[\s\S]*no token was written[\s\S]*rolegate sso login --profile work/);
  assert.equal(read(out), '');
  assert.equal(existsSync(tokenFileOf(box, SESSION)), false);
  assert.deepEqual(signInCounts(standIn.counts), { RegisterClient: 1, StartDeviceAuthorization: 1, tokensIssued: 0 });
});

test('a sign-in not approved in time ends every parallel caller with a reason, and starts no second sign-in (SSO stand-in)', async () => {
  const { box } = world();
  const { startSsoStandIn } = await import('../harness/ssoStandIn.js');
  const short = await startSsoStandIn({ stsEndpoint: moto.endpoint, deviceSeconds: 3 });
  try {
    const N = 5;
    const script = `for i in $(seq ${N}); do (${rolegate} credential-process work > /dev/null 2> '${box.home}'/err$i; echo $? > '${box.home}'/code$i) & done; wait`;
    const session = await atTerminal(['sh', '-c', script], { ...box.env, AWS_ENDPOINT_URL_SSO_OIDC: short.endpoint }, []);
    assert.equal(session.error, undefined, session.screen);
    const errors = Array.from({ length: N }, (_, i) => stripVTControlCharacters(read(join(box.home, `err${i + 1}`))));
    for (let i = 1; i <= N; i++) assert.equal(read(join(box.home, `code${i}`)).trim(), '1', errors[i - 1]);
    assert.equal(errors.filter((e) => /was not approved within the 3 seconds/.test(e)).length, 1, errors.join('\n'));
    assert.equal(errors.filter((e) => /another rolegate process's sign-in, which this one waited for, was not completed[\s\S]*rolegate sso login --profile work/.test(e)).length, N - 1, errors.join('\n'));
    assert.equal(short.counts.StartDeviceAuthorization, 1);
    assert.equal(existsSync(tokenFileOf(box, SESSION)), false);
  } finally {
    await short.close();
  }
});

test('with no terminal but a desktop (DISPLAY), credential-process opens the browser (a stand-in behind xdg-open) on the verification page and serves once approved (SSO stand-in)', { skip: process.platform !== 'linux' }, async () => {
  const w = world();
  const { box, standIn } = w;
  const { bin, record } = installBrowserStandIn(box.home);
  const approving = approveNext(w);
  // runRolegate: a session of its own, no controlling terminal
  const result = await runRolegate(['credential-process', 'work'], { env: { ...box.env, DISPLAY: ':99', PATH: `${bin}:${box.env.PATH}`, ROLEGATE_TEST_BROWSER_RECORD: record } });
  const device = await approving;
  const stderr = stripVTControlCharacters(result.stderr);
  assert.equal(result.code, 0, stderr);
  assert.equal((JSON.parse(result.stdout) as { Version: number }).Version, 1);
  assert.match(stderr, new RegExp(`opening your browser; check that it shows the code ${device.userCode}`));
  const seen = (await browserRecord(record)) as { argv: string[]; first: { status: number; location: string } };
  assert.match(seen.argv[0]!, /^http:\/\/127\.0\.0\.1:\d+\//, 'the opener got only a loopback link');
  assert.equal(seen.first.status, 302);
  assert.equal(seen.first.location, device.verificationUriComplete);
  assert.deepEqual(signInCounts(standIn.counts), { RegisterClient: 1, StartDeviceAuthorization: 1, tokensIssued: 1 });
});
