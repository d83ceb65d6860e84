/**
 * `rolegate sso login`, `logout` and `populate` end to end, against the SSO stand-in
 * (test/harness/ssoStandIn.ts: IAM Identity Center's OIDC service and portal, which no emulator
 * plays) in front of moto, with the AWS CLI (botocore) reading what rolegate wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { useMotoServer } from '../harness/moto.js';
import { runAws, runRolegate } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { ACCOUNT, LEGACY_CONFIG, SESSION, START_URL, WORK_CONFIG, roleCacheFileOf, tokenFileOf, useSsoWorld, writeCachedToken } from './ssoFixture.js';
import { browserRecord, installBrowserStandIn } from './browserFixture.js';

const moto = useMotoServer();
const world = useSsoWorld(moto, {
  more: [
    { accountId: '210987654321', accountName: 'Prod; $(touch /tmp/pwned) `x`', roles: ['Admin'] },
    { accountId: '333333333333', accountName: 'Main', roles: ['Billing', 'Dev.Ops', 'Not a role/..'] },
  ],
});

/** Runs `rolegate sso login ...` while the test, as the person's browser, approves the request. */
async function signInApproving(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const { box, standIn } = world();
  const shown = standIn.nextDevice();
  const running = runRolegate(['sso', 'login', ...args], { env: { ...box.env, ...extraEnv }, timeoutMs: 60_000 });
  const device = await shown;
  // before the approval, CreateToken answers authorization_pending and nothing is written
  const earlier = existsSync(tokenFileOf(box, SESSION)) ? readFileSync(tokenFileOf(box, SESSION), 'utf8') : undefined;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const now = existsSync(tokenFileOf(box, SESSION)) ? readFileSync(tokenFileOf(box, SESSION), 'utf8') : undefined;
  assert.equal(now, earlier, 'no token written before the approval');
  standIn.approve(device.userCode);
  const result = await running;
  return { result, device, stderr: stripVTControlCharacters(result.stderr) };
}

test('rolegate sso login --profile work against the SSO stand-in leaves a token the AWS CLI uses without signing in again', async () => {
  const { box, standIn } = world();
  const { result, device, stderr } = await signInApproving(['--profile', 'work']);
  assert.equal(result.code, 0, stderr);
  // no display in the sandbox: the URL and code are printed, as on a remote machine
  assert.match(stderr, new RegExp(`approve the code ${device.userCode}`));
  assert.ok(stderr.includes(device.verificationUriComplete));
  assert.ok((standIn.counts['CreateToken:device_code'] ?? 0) >= 2, 'polled while pending');
  const file = tokenFileOf(box, SESSION);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const token = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(token), ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
  assert.equal(token.startUrl, START_URL);
  assert.match(token.expiresAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const before = { ...standIn.counts };
  const aws = await runAws(['--profile', 'work', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(JSON.parse(aws.stdout).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/Admin/`));
  assert.equal(standIn.counts.GetRoleCredentials, 1, 'the AWS CLI asked the portal with the token rolegate left');
  for (const op of ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken']) assert.equal(standIn.counts[op], before[op], `no new ${op}: no second sign-in`);
});

test('a second rolegate sso login reuses the cached client registration (SSO stand-in)', async () => {
  const { standIn } = world();
  assert.equal((await signInApproving(['--sso-session', SESSION])).result.code, 0);
  assert.equal((await signInApproving(['--profile', 'work'])).result.code, 0);
  assert.equal(standIn.counts.RegisterClient, 1);
  assert.equal(standIn.counts.StartDeviceAuthorization, 2);
});

test('the sign-in wait is bounded by the device code lifetime and says so (SSO stand-in)', async () => {
  const { box } = world();
  const { startSsoStandIn } = await import('../harness/ssoStandIn.js');
  const short = await startSsoStandIn({ stsEndpoint: moto.endpoint, deviceSeconds: 3 });
  try {
    const result = await runRolegate(['sso', 'login', '--profile', 'work'], { env: { ...box.env, AWS_ENDPOINT_URL_SSO_OIDC: short.endpoint } });
    const stderr = stripVTControlCharacters(result.stderr);
    assert.equal(result.code, 1, stderr);
    assert.match(stderr, /was not approved within the 3 seconds/);
    assert.match(stderr, /approve the request in the browser/);
    assert.equal(existsSync(tokenFileOf(box, SESSION)), false);
  } finally {
    await short.close();
  }
});

test('slow_down from the SSO stand-in makes the sign-in poll more slowly, and it still completes', async () => {
  const { standIn } = world();
  standIn.slowDownOnce();
  const { result, stderr } = await signInApproving(['--profile', 'work']);
  assert.equal(result.code, 0, stderr);
});

test('Ctrl-C at the sign-in wait is an interruption: exit 130, nothing written (SSO stand-in)', async () => {
  const { box, standIn } = world();
  const shown = standIn.nextDevice();
  const child = spawn(process.execPath, [rolegateBin, 'sso', 'login', '--profile', 'work'], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await shown;
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 130);
  assert.match(stripVTControlCharacters(stderr), /interrupted \(Ctrl-C\)[\s\S]*no token was written[\s\S]*rolegate sso login --profile work/);
  assert.equal(existsSync(tokenFileOf(box, SESSION)), false);
});

test('a legacy profile (sso_start_url) signs in under the start URL key, without a refresh token (SSO stand-in)', async () => {
  const { box } = world();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(box.configFile, LEGACY_CONFIG);
  const { result, stderr } = await (async () => {
    const { standIn } = world();
    const shown = standIn.nextDevice();
    const running = runRolegate(['sso', 'login', '--profile', 'old'], { env: box.env });
    standIn.approve((await shown).userCode);
    const r = await running;
    return { result: r, stderr: stripVTControlCharacters(r.stderr) };
  })();
  assert.equal(result.code, 0, stderr);
  const token = JSON.parse(readFileSync(tokenFileOf(box, START_URL), 'utf8')) as Record<string, string>;
  assert.equal(token.refreshToken, undefined);
  const aws = await runAws(['--profile', 'old', 'sts', 'get-caller-identity'], { env: box.env });
  assert.equal(aws.code, 0, aws.stderr);
});

test('sso login names what is wrong with the flags or the config, and exits 2', async () => {
  const { box } = world();
  const none = await runRolegate(['sso', 'login', '--profile', 'nosuch'], { env: box.env });
  assert.equal(none.code, 2);
  assert.match(stripVTControlCharacters(none.stderr), /no profile nosuch/);
  const missing = await runRolegate(['sso', 'login', '--sso-session', 'other'], { env: box.env });
  assert.equal(missing.code, 2);
  assert.match(stripVTControlCharacters(missing.stderr), /no \[sso-session other\] section/);
});

test('sso populate writes a profile per reachable account and role, with safe names, and never overwrites a profile it did not write (SSO stand-in)', async () => {
  const { box, standIn } = world();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(box.configFile, `${WORK_CONFIG}\n[profile main-123456789012-readonly]\nregion = eu-west-1\n`);
  writeCachedToken(world(), { expiresInSeconds: 3600 });
  const dry = await runRolegate(['sso', 'populate', '--sso-session', SESSION, '--dry-run', '--json'], { env: box.env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(readFileSync(box.configFile, 'utf8').includes('rolegate_populated'), false, 'dry run writes nothing');
  const listedBefore = standIn.counts.ListAccounts ?? 0;
  const result = await runRolegate(['sso', 'populate', '--sso-session', SESSION, '--json'], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(stripVTControlCharacters(result.stderr), /skipped a role of account 333333333333 whose name is not an IAM role name/);
  const profiles = (JSON.parse(result.stdout) as { profiles: Array<{ profile: string; action: string }> }).profiles;
  const byName = Object.fromEntries(profiles.map((p) => [p.profile, p.action]));
  assert.deepEqual(byName, {
    'main-123456789012-admin': 'written',
    'main-123456789012-readonly': 'skipped (not written by rolegate)',
    'prod-touch-tmp-pwned-x-admin': 'written',
    'main-333333333333-billing': 'written',
    'main-333333333333-dev-ops': 'written',
  });
  // three accounts at two per page, and each account's roles: paginated
  assert.equal(standIn.counts.ListAccounts! - listedBefore, 2);
  const config = readFileSync(box.configFile, 'utf8');
  assert.match(config, /\[profile main-123456789012-readonly\]\nregion = eu-west-1\n/, 'the foreign profile is untouched');
  // the AWS CLI uses a populated profile
  const aws = await runAws(['--profile', 'main-123456789012-admin', 'sts', 'get-caller-identity'], { env: box.env });
  assert.equal(aws.code, 0, aws.stderr);
  // a second run changes nothing
  const again = await runRolegate(['sso', 'populate', '--sso-session', SESSION, '--json'], { env: box.env });
  assert.ok((JSON.parse(again.stdout) as { profiles: Array<{ action: string }> }).profiles.every((p) => p.action !== 'written' && p.action !== 'updated'));
});

test('sso logout ends the session at the SSO stand-in and removes the token and the role credentials', async () => {
  const { box, standIn } = world();
  writeCachedToken(world(), { expiresInSeconds: 3600 });
  const aws = await runAws(['--profile', 'work', 'sts', 'get-caller-identity'], { env: box.env });
  assert.equal(aws.code, 0, aws.stderr);
  // the AWS CLI v1 keeps SSO role credentials in memory; rolegate's own entry is made by serving (ssoServe)
  const result = await runRolegate(['sso', 'logout', '--profile', 'work'], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(standIn.counts.Logout, 1);
  assert.match(result.stdout, /signed out of sso-session corp/);
  assert.equal(existsSync(tokenFileOf(box, SESSION)), false);
  assert.equal(existsSync(roleCacheFileOf(box, { accountId: ACCOUNT, roleName: 'Admin', sessionName: SESSION })), false);
  const after = await runAws(['--profile', 'work', 'sts', 'get-caller-identity'], { env: box.env });
  assert.notEqual(after.code, 0, 'signed out: the AWS CLI has no token');
});

test('with a display, sso login opens the browser (a stand-in behind xdg-open) on a loopback link to the verification page (SSO stand-in)', { skip: process.platform !== 'linux' }, async () => {
  const { box } = world();
  const { bin, record } = installBrowserStandIn(box.home);
  const { result, device, stderr } = await signInApproving(['--profile', 'work'], { DISPLAY: ':99', PATH: `${bin}:${box.env.PATH}`, ROLEGATE_TEST_BROWSER_RECORD: record });
  assert.equal(result.code, 0, stderr);
  assert.match(stderr, new RegExp(`opening your browser; check that it shows the code ${device.userCode}`));
  const seen = (await browserRecord(record)) as { argv: string[]; first: { status: number; location: string } };
  assert.match(seen.argv[0]!, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal(seen.first.status, 302);
  assert.equal(seen.first.location, device.verificationUriComplete);
});
