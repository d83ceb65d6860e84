import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { RULES } from '../../src/audit/rules.js';
import { startAccountProxy, type AccountProxy } from './auditProxy.js';
import { asBootstrap, buildSetupAccount, type AccountFixture } from './verifyFixture.js';

interface Finding {
  id: string;
  severity: string;
  where: string;
  title: string;
  fix: string;
}

const ROOT_KEY_ID = 'AKIAI44QH8DHBEXAMPLE';
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DAY = 86_400_000;
/** Only root can give a file to another user. */
const CAN_CHOWN = process.getuid?.() === 0;

const moto = useMotoServer();
let proxy: AccountProxy;
let box: Sandbox;
let account: AccountFixture;

before(async () => {
  proxy = await startAccountProxy((await moto.started()).endpoint);
});
after(async () => {
  await proxy.close();
});
beforeEach(async () => {
  proxy.facts = { rootMfaEnabled: true };
  box = makeSandbox({ endpoint: proxy.endpoint });
  account = await buildSetupAccount(box, { trust: 'account' });
});
afterEach(() => box.cleanup());

/** The store layout setup writes: no secret under ~/.aws. */
function writeStoreLayout() {
  writeFileSync(
    box.configFile,
    `[default]\nregion = us-east-1\ncredential_process = rolegate credential-process default\nmfa_serial = ${account.serial}\n\n` +
      `[profile admin]\nregion = us-east-1\ncredential_process = rolegate credential-process admin\nrolegate_role_arn = ${account.roleArn}\n` +
      `rolegate_source_profile = default\nmfa_serial = ${account.serial}\n`,
    { mode: 0o600 },
  );
}

/** Short-lived credentials in the environment (what `rolegate exec` hands a process): not a finding. */
const sessionEnv = () => ({ ...box.env, AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: EXAMPLE_SECRET, AWS_SESSION_TOKEN: 'example-session-token' });

async function audit(args: string[], env: NodeJS.ProcessEnv) {
  const result = await runRolegate(['audit', ...args], { env });
  let report: { findings: Finding[]; notes: string[] } = { findings: [], notes: [] };
  if (args.includes('--json')) report = JSON.parse(result.stdout);
  return { ...result, report };
}

test('a clean setup (store layout, setup account) has no finding in either scope', async () => {
  writeStoreLayout();
  const result = await audit(['--json', '--fail-on', 'info'], sessionEnv());
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(result.report.findings, []);
  assert.deepEqual(result.report.notes, []);
  const text = await audit([], sessionEnv());
  assert.match(text.stdout, /no findings \(local and account checked\)/);
});

test('a clean --store plain setup is rated one medium finding: --fail-on high passes, --fail-on medium fails', async () => {
  writeFileSync(box.configFile, `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = ${account.roleArn}\nsource_profile = default\nmfa_serial = ${account.serial}\n`, { mode: 0o600 });
  writeFileSync(box.credentialsFile, `[default]\naws_access_key_id = ${account.accessKeyId}\naws_secret_access_key = ${account.secretAccessKey}\n`, { mode: 0o600 });
  const high = await audit(['--json', '--fail-on', 'high'], box.env);
  assert.equal(high.code, 0, high.stderr);
  assert.deepEqual(high.report.findings.map((f) => [f.id, f.severity]), [['local.plaintext-key', 'medium']]);
  assert.match(high.report.findings[0]!.title, /AKIA…, 0 days old/);
  const medium = await audit(['--fail-on', 'medium'], box.env);
  assert.equal(medium.code, 1);
});

async function breakEverything() {
  const old = new Date(Date.now() - 200 * DAY);
  proxy.facts = {
    rootMfaEnabled: false,
    rootAccessKeys: true,
    identities: { [ROOT_KEY_ID]: `arn:aws:iam::${ACCOUNT_ID}:root` },
    keyDates: { olduser: { rotated: old, lastUsed: new Date(Date.now() - 2 * DAY) }, idle: { rotated: old, lastUsed: new Date(Date.now() - 120 * DAY) } },
  };
  await asBootstrap(
    box,
    `
iam.create_user(UserName="alice"); iam.create_login_profile(UserName="alice", Password="Example-Passw0rd!")
iam.create_user(UserName="olduser"); iam.create_access_key(UserName="olduser")
iam.create_user(UserName="idle"); iam.create_access_key(UserName="idle")
iam.create_user(UserName="bob"); iam.attach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
doc = lambda p: json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"}]})
iam.create_role(RoleName="open", AssumeRolePolicyDocument=doc({"AWS": "arn:aws:iam::${ACCOUNT_ID}:root"}))
iam.create_role(RoleName="ec2-app", AssumeRolePolicyDocument=doc({"Service": "ec2.amazonaws.com"}))
iam.create_role(RoleName="AWSServiceRoleForExample", Path="/aws-service-role/example.amazonaws.com/", AssumeRolePolicyDocument=doc({"AWS": "arn:aws:iam::${ACCOUNT_ID}:root"}))
`,
  );
  // the laptop: the guide layout with a root key beside it, and each local problem once
  writeFileSync(
    box.configFile,
    `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = ${account.roleArn}\nsource_profile = default\nmfa_serial = ${account.serial}\n\n` +
      `[profile poweruser]\nrole_arn = arn:aws:iam::${ACCOUNT_ID}:role/PowerUser\nsource_profile = default\n\n` +
      // an organization's admin role from IAM Identity Center: its MFA is the identity provider's (info)
      `[profile work]\nsso_session = corp\nsso_account_id = ${ACCOUNT_ID}\nsso_role_name = ReadOnly\nregion = us-east-1\n\n` +
      `[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n` +
      `[profile orgadmin]\nrole_arn = arn:aws:iam::${ACCOUNT_ID}:role/OrganizationAccountAccessRole\nsource_profile = work\n`,
  );
  writeFileSync(box.credentialsFile, `[default]\naws_access_key_id = ${account.accessKeyId}\naws_secret_access_key = ${account.secretAccessKey}\n\n[legacy]\naws_access_key_id = ${ROOT_KEY_ID}\naws_secret_access_key = ${EXAMPLE_SECRET}\n`);
  chmodSync(box.credentialsFile, 0o644);
  chmodSync(box.configFile, 0o600);
  // ~/.aws open to all, and (where the test can) a config another user owns
  chmodSync(join(box.home, '.aws'), 0o777);
  if (CAN_CHOWN) chownSync(box.configFile, 4344, 4344);
  writeFileSync(join(box.home, '.bash_history'), `aws s3 ls\nexport AWS_SECRET_ACCESS_KEY=${EXAMPLE_SECRET}\n`);
  // a FIFO as a shell start-up file: reported as not scanned, without hanging audit
  execFileSync('mkfifo', [join(box.home, '.zshenv')]);
  mkdirSync(join(box.home, '.aws', 'cli', 'cache'), { recursive: true });
  writeFileSync(join(box.home, '.aws', 'cli', 'cache', 'f00d.json'), JSON.stringify({ Credentials: { Expiration: '2026-01-01T00:00:00Z' } }), { mode: 0o600 });
  // the read-only user's key in the environment, as some people export it
  return { ...box.env, AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey };
}

test('one of each problem, on the laptop and in the account: every rule fires, where it should', async () => {
  const env = await breakEverything();
  const result = await audit(['--json'], env);
  assert.equal(result.code, 0, result.stderr); // no --fail-on: report only
  assert.deepEqual(result.report.notes, []);
  const found = result.report.findings.map((f) => `${f.id} ${f.where}`).sort();
  const h = box.home;
  assert.deepEqual(
    found,
    [
      `account.console-without-mfa arn:aws:iam::${ACCOUNT_ID}:user/alice`,
      `account.old-access-key arn:aws:iam::${ACCOUNT_ID}:user/idle`,
      `account.old-access-key arn:aws:iam::${ACCOUNT_ID}:user/olduser`,
      `account.role-trust-without-mfa arn:aws:iam::${ACCOUNT_ID}:role/open`,
      `account.root-access-keys arn:aws:iam::${ACCOUNT_ID}:root`,
      `account.root-mfa-off arn:aws:iam::${ACCOUNT_ID}:root`,
      `account.unused-access-key arn:aws:iam::${ACCOUNT_ID}:user/idle`,
      `account.user-with-admin-policy user/bob`,
      `local.admin-role-without-mfa profile poweruser in ${box.configFile}`,
      `local.env-long-term-key environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`,
      `local.expired-cache-entry ${h}/.aws/cli/cache/f00d.json`,
      `local.file-permissions ${box.credentialsFile}`,
      `local.mfa-at-identity-provider profile orgadmin in ${box.configFile}`,
      `local.plaintext-key profile default in ${box.credentialsFile}`,
      `local.plaintext-key profile legacy in ${box.credentialsFile}`,
      `local.root-key profile legacy in ${box.credentialsFile}`,
      `local.secret-in-shell-file ${h}/.bash_history:2`,
      `local.unscanned-file ${h}/.zshenv`,
      `local.writable-path ${h}/.aws`,
      ...(CAN_CHOWN ? [`local.foreign-owner ${box.configFile}`] : []),
    ].sort(),
  );
  assert.deepEqual([...new Set(result.report.findings.map((f) => f.id))].sort(), RULES.map((r) => r.id).filter((id) => CAN_CHOWN || id !== 'local.foreign-owner').sort());
  const everything = result.stdout + result.stderr;
  for (const secret of [account.secretAccessKey, EXAMPLE_SECRET, account.accessKeyId, ROOT_KEY_ID.slice(0, 5)]) {
    assert.ok(!everything.includes(secret), `printed: ${secret.slice(0, 4)}… in ${everything.split('\n').filter((l) => l.includes(secret)).join(' | ').replaceAll(secret, '<hit>')}`);
  }
  const olduser = result.report.findings.find((f) => f.id === 'account.old-access-key' && f.where.endsWith('olduser'))!;
  assert.match(olduser.fix, /aws iam delete-access-key --user-name olduser --access-key-id AKIA\w{16}/);
  assert.match(result.report.findings.find((f) => f.id === 'local.root-key')!.title, /arn:aws:iam::123456789012:root/);
  assert.match(result.report.findings.find((f) => f.id === 'account.role-trust-without-mfa')!.fix, /^aws iam update-assume-role-policy --role-name open /);

  const failing = await audit(['--fail-on', 'critical'], env);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /^CRITICAL  The account root user has no MFA device$/m);
  assert.match(failing.stdout, CAN_CHOWN ? /20 findings: 3 critical, 9 high, 5 medium, 1 low, 2 info/ : /19 findings: 3 critical, 8 high, 5 medium, 1 low, 2 info/);
});

test('--sarif gives a SARIF 2.1.0 log of the same findings; --local makes no AWS call', async () => {
  const env = await breakEverything();
  const json = await audit(['--json'], env);
  const sarif = await runRolegate(['audit', '--sarif'], { env });
  assert.equal(sarif.code, 0, sarif.stderr);
  const log = JSON.parse(sarif.stdout);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs[0].results.length, json.report.findings.length);
  const history = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'local.secret-in-shell-file');
  assert.deepEqual(history.locations[0].physicalLocation.region, { startLine: 2 });

  await moto.clearRequests();
  const local = await audit(['--local', '--json'], env);
  assert.equal(local.code, 0, local.stderr);
  assert.deepEqual(await moto.requests(), []);
  assert.ok(local.report.findings.every((f) => f.id.startsWith('local.')));
  // offline, the root key is not known as root (no cached identity): only its plaintext finding
  assert.ok(!local.report.findings.some((f) => f.id === 'local.root-key'));
});

test('bad input: an unknown severity and --json with --sarif exit 2', async () => {
  const bad = await runRolegate(['audit', '--fail-on', 'severe'], { env: box.env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--fail-on severe is not a severity/);
  assert.match(bad.stderr, /critical, high, medium, low, info/);
  const both = await runRolegate(['audit', '--json', '--sarif'], { env: box.env });
  assert.equal(both.code, 2);
});

test('the account audit with no credentials is a note and exit 1 under --account; the local audit still runs', async () => {
  writeStoreLayout();
  const env = { ...box.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
  const result = await audit(['--account', '--json', '--profile', 'nosuch'], env);
  assert.equal(result.code, 1, result.stderr);
  assert.deepEqual(result.report.findings, []);
  assert.match(result.report.notes[0]!, /account audit not run: no working credentials for profile nosuch/);
  assert.match(result.stderr, /the account audit is incomplete/);
  const both = await audit(['--json', '--profile', 'nosuch'], env);
  assert.equal(both.code, 0, 'without --account or --fail-on, audit reports and exits 0');
  assert.match(both.report.notes[0]!, /account audit not run/);
});

test('an unreachable account (refused port) is named, never passed: --account --fail-on low exits 1 and says the account was not checked', async () => {
  writeStoreLayout();
  const env = { ...sessionEnv(), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
  const result = await audit(['--account', '--fail-on', 'low'], env);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout, /no findings \(account checked\)/);
  assert.match(result.stdout, /no findings, but the account was not fully checked/);
  assert.match(result.stdout, /account audit not run: AWS could not be reached \(sts:GetCallerIdentity failed: http:\/\/127\.0\.0\.1:9 refused the connection \(ECONNREFUSED\)/);
  const both = await audit(['--fail-on', 'critical'], env);
  assert.equal(both.code, 1, 'a --fail-on gate fails on an account it did not check');
});

test('a rolegate-made role that lost its MFA condition is fixed by rolegate setup', async () => {
  writeStoreLayout();
  await asBootstrap(
    box,
    `iam.update_assume_role_policy(RoleName="admin", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}]}))`,
  );
  const result = await audit(['--account', '--json', '--fail-on', 'high'], sessionEnv());
  assert.equal(result.code, 1);
  assert.deepEqual(result.report.findings.map((f) => [f.id, f.where]), [['account.role-trust-without-mfa', account.roleArn]]);
  assert.match(result.report.findings[0]!.fix, /^rolegate setup --role-name admin /);
});
