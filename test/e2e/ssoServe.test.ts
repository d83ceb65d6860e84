/**
 * IAM Identity Center profiles served by credential-process, exec and env, end to end: the SSO
 * stand-in (test/harness/ssoStandIn.ts) plays the portal and OIDC service in front of moto; the AWS
 * CLI (botocore) and the JS SDK read and write the same token cache as rolegate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { useMotoServer } from '../harness/moto.js';
import { join } from 'node:path';
import { run, runAws, runRolegate } from '../harness/run.js';
import { outputRoot, venvBin } from '../harness/paths.js';
import { ACCOUNT, SESSION, roleCacheFileOf, tokenFileOf, useSsoWorld, writeCachedToken } from './ssoFixture.js';

const moto = useMotoServer();
const world = useSsoWorld(moto);
const sdkProbe = fileURLToPath(new URL('./sdkProbe.js', import.meta.url));
const ROLE_ENTRY = { accountId: ACCOUNT, roleName: 'Admin', sessionName: SESSION };

const credentialProcess = (env: NodeJS.ProcessEnv) => runRolegate(['credential-process', 'work'], { env });

test('an SSO profile with a cached token is served by credential-process, exec and env, from one GetRoleCredentials (SSO stand-in)', async () => {
  const { box, standIn } = world();
  writeCachedToken(world(), { expiresInSeconds: 8 * 3600 });
  const cp = await credentialProcess(box.env);
  assert.equal(cp.code, 0, cp.stderr);
  const answer = JSON.parse(cp.stdout) as { Version: number; AccessKeyId: string; Expiration: string };
  assert.equal(answer.Version, 1);
  // the role credentials sit where the AWS CLI v2 caches them, in botocore's shape, private
  const entry = roleCacheFileOf(box, ROLE_ENTRY);
  assert.equal(statSync(entry).mode & 0o777, 0o600);
  const cached = JSON.parse(readFileSync(entry, 'utf8')) as { ProviderType: string; Credentials: Record<string, string> };
  assert.equal(cached.ProviderType, 'sso');
  assert.equal(cached.Credentials.AccessKeyId, answer.AccessKeyId);
  assert.equal(cached.Credentials.AccountId, ACCOUNT);
  assert.match(cached.Credentials.Expiration!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const exec = await runRolegate(['exec', 'work', '--', join(venvBin, 'aws'), 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(JSON.parse(exec.stdout).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/Admin/`));

  const env = await runRolegate(['env', 'work'], { env: box.env });
  assert.equal(env.code, 0, env.stderr);
  assert.match(env.stdout, new RegExp(`AWS_ACCESS_KEY_ID='?${answer.AccessKeyId}`));
  assert.equal(standIn.counts.GetRoleCredentials, 1, 'one GetRoleCredentials for all three');
  assert.equal(standIn.counts.CreateToken ?? 0, 0, 'a fresh token is not refreshed');
});

test('20 parallel cold credential-process calls for an SSO profile cost one GetRoleCredentials (SSO stand-in)', async () => {
  const { box, standIn } = world();
  writeCachedToken(world(), { expiresInSeconds: 8 * 3600 });
  const results = await Promise.all(Array.from({ length: 20 }, () => credentialProcess(box.env)));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const keys = new Set(results.map((r) => (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId));
  assert.equal(keys.size, 1, 'every caller got the same credentials');
  assert.equal(standIn.counts.GetRoleCredentials, 1);
});

test('an expired access token is refreshed once from the refresh token by 20 parallel callers, and botocore then uses the new one (SSO stand-in)', async () => {
  const { box, standIn } = world();
  const old = writeCachedToken(world(), { expiresInSeconds: -60 });
  const results = await Promise.all(Array.from({ length: 20 }, () => credentialProcess(box.env)));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1, 'refreshed once');
  assert.equal(standIn.counts.GetRoleCredentials, 1);
  const file = tokenFileOf(box, SESSION);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const token = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  assert.notEqual(token.accessToken, old.accessToken);
  assert.notEqual(token.refreshToken, old.refreshToken);
  assert.ok(Date.parse(token.expiresAt!) > Date.now() + 3600_000);
  // botocore: the old token is expired and its refresh token spent, so only the new token can work
  const aws = await runAws(['--profile', 'work', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(JSON.parse(aws.stdout).Arn, /assumed-role\/Admin\//);
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1, 'botocore did not refresh again');
  assert.equal(standIn.counts.GetRoleCredentials, 2);
});

test('a token botocore refreshed is the one rolegate uses (SSO stand-in)', async () => {
  const { box, standIn } = world();
  // within botocore's 15-minute refresh window, still valid
  writeCachedToken(world(), { expiresInSeconds: 300 });
  const aws = await runAws(['--profile', 'work', 'sts', 'get-caller-identity'], { env: box.env });
  assert.equal(aws.code, 0, aws.stderr);
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1, 'botocore refreshed');
  const cp = await credentialProcess(box.env);
  assert.equal(cp.code, 0, cp.stderr);
  // had rolegate read the old token, it would have refreshed again (with a spent refresh token)
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1);
  assert.equal(standIn.counts.GetRoleCredentials, 2);
});

test("the JS SDK's own SSO provider reads the token and role credentials rolegate's sign-in left (SSO stand-in)", async () => {
  const { box, standIn } = world();
  writeCachedToken(world(), { expiresInSeconds: -60 });
  assert.equal((await credentialProcess(box.env)).code, 0);
  const probe = await run(process.execPath, [sdkProbe, '1'], { env: { ...box.env, AWS_PROFILE: 'work' } });
  assert.equal(probe.code, 0, probe.stderr);
  assert.match((JSON.parse(probe.stdout.trim()) as { arn: string }).arn, /assumed-role\/Admin\//);
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1, "the SDK used rolegate's refreshed token");
});

test('without a token, or with an expired one that cannot be refreshed, the error names rolegate sso login and aws sso login (SSO stand-in)', async () => {
  const { box, standIn } = world();
  const none = await credentialProcess(box.env);
  assert.equal(none.code, 1);
  const text = stripVTControlCharacters(none.stderr);
  assert.match(text, /not signed in/);
  assert.match(text, /rolegate sso login --profile work/);
  assert.match(text, /aws sso login --profile work/);
  writeCachedToken(world(), { expiresInSeconds: -60, refreshable: false });
  const expired = await credentialProcess(box.env);
  assert.equal(expired.code, 1);
  assert.match(stripVTControlCharacters(expired.stderr), /expired and cannot be refreshed[\s\S]*rolegate sso login --profile work/);
  assert.equal(standIn.counts.GetRoleCredentials ?? 0, 0);
});

test('status shows the SSO token and role credentials; logout removes the role credentials (SSO stand-in)', async () => {
  const { box } = world();
  writeCachedToken(world(), { expiresInSeconds: 8 * 3600 });
  assert.equal((await credentialProcess(box.env)).code, 0);
  const status = await runRolegate(['status'], { env: box.env });
  assert.equal(status.code, 0, status.stderr);
  const text = stripVTControlCharacters(status.stdout);
  // the token's state, then the role credentials', then who they are (from STS)
  assert.match(text, /^work\s+sso\s+sso-session corp\s+valid 7h\d\dm\s+valid \d+m\s+arn:aws:sts::123456789012:assumed-role\/Admin\//m);
  const entry = roleCacheFileOf(box, ROLE_ENTRY);
  const logout = await runRolegate(['logout', 'work'], { env: box.env });
  assert.equal(logout.code, 0, logout.stderr);
  assert.ok(logout.stdout.includes(entry));
  assert.equal(existsSync(entry), false);
  assert.equal(existsSync(tokenFileOf(box, SESSION)), true, 'the sign-in stays (rolegate sso logout ends it)');
});

test('a token the portal refused before its time is refreshed once and the call made again (SSO stand-in)', async () => {
  const { box, standIn } = world();
  const cached = writeCachedToken(world(), { expiresInSeconds: 8 * 3600 });
  standIn.revoke(cached.accessToken);
  const cp = await credentialProcess(box.env);
  assert.equal(cp.code, 0, cp.stderr);
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1);
  assert.equal(standIn.counts.GetRoleCredentials, 2, 'refused once, then served');
});

test('a refresh that failed is not tried again within a minute while the token still works (SSO stand-in)', async () => {
  const { box, standIn } = world();
  const cached = writeCachedToken(world(), { expiresInSeconds: 300 });
  standIn.revoke(cached.refreshToken!);
  for (let i = 0; i < 2; i++) {
    const listed = await runRolegate(['sso', 'populate', '--profile', 'work', '--dry-run'], { env: box.env });
    assert.equal(listed.code, 0, listed.stderr);
    if (i === 0) assert.match(stripVTControlCharacters(listed.stderr), /could not be refreshed/);
  }
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1);
  assert.equal(JSON.parse(readFileSync(cached.file, 'utf8')).accessToken, cached.accessToken, 'the token file is left as it was');
});

test('the shipped bundle serves an SSO profile, a token refresh included, without the SDK in credentialProcess.cjs (SSO stand-in)', async () => {
  const { box, standIn } = world();
  writeCachedToken(world(), { expiresInSeconds: -60 });
  const result = await run(process.execPath, [join(outputRoot, 'bundle', 'cli', 'main.cjs'), 'credential-process', 'work'], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(standIn.counts['CreateToken:refresh_token'], 1);
  assert.equal(standIn.counts.GetRoleCredentials, 1);
  assert.doesNotMatch(readFileSync(join(outputRoot, 'bundle', 'cli', 'credentialProcess.cjs'), 'utf8'), /@aws-sdk\/client-sso|SSOOIDCClient/);
});
