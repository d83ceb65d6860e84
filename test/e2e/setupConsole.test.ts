/**
 * `rolegate setup --identity console`: a read-only user with no access key, who signs in with a
 * console password and the MFA device through `aws login`; the admin role still needs an MFA code.
 * `aws login` itself is played by the sign-in service stand-in (signinStandIn.ts): it signs the
 * user in and renews the credentials; every AWS call after it goes to moto through the strict layer.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { runAws, runBoto3, runRolegate } from '../harness/run.js';
import { startSigninStandIn, writeLoginCache, type SigninStandIn } from '../harness/signinStandIn.js';
import { recordSecret } from '../harness/secretRegistry.js';
import { accountListing, mfaFlags, nextCode, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();
let standIn: SigninStandIn;
before(async () => {
  standIn = await startSigninStandIn({ stsEndpoint: (await moto.started()).endpoint });
});
after(async () => standIn?.close());

const USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/admin`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/admin`;
const MFA_SERIAL = `arn:aws:iam::${ACCOUNT_ID}:mfa/admin`;

function setupConsole(box: Sandbox, extra: string[] = []) {
  return runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--identity', 'console', ...mfaFlags(box), ...extra], { env: box.env, timeoutMs: 120_000 });
}

/** Every file under the sandbox's HOME (the password must be in none of them). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() && statSync(path).size < 1_000_000 ? [path] : [];
  });
}

test('setup --identity console: no access key; a console password shown once (reset required), SignInLocalDevelopmentAccess, the MFA device and the admin role; login_session and role_arn profiles; aws login named; a second run changes nothing; after aws login (the sign-in stand-in) verify proves reading, no writing and elevation with MFA; teardown removes it all', { timeout: 300_000 }, async () => {
  const box = setupSandbox(moto.endpoint, { AWS_ENDPOINT_URL_SIGNIN: standIn.endpoint });
  try {
    const plan = await setupConsole(box, ['--trust', 'user', '--plan']);
    assert.equal(plan.code, 0, plan.stderr + plan.stdout);
    assert.match(plan.stdout, /\+ policy SignInLocalDevelopmentAccess on user admin: will be attached/);
    assert.match(plan.stdout, /\+ console password of user admin: will be created: shown once/);
    assert.doesNotMatch(plan.stdout, /access key|root key/i);
    assert.deepEqual((await accountListing(box)).users, [], 'the plan changed nothing');
    // --trust user: under moto's access control a trust principal matches literally (the verify step)
    const result = await setupConsole(box, ['--trust', 'user']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const shown = /console password of admin \(shown once[^)]*\): (\S+)/.exec(result.stdout);
    assert.ok(shown, result.stdout);
    const password = shown[1]!;
    recordSecret('console password', password);
    assert.ok(password.length >= 20);
    assert.equal(result.stdout.split(password).length - 1, 1, 'the password is shown once');
    assert.equal(result.stderr.includes(password), false);
    assert.match(result.stdout, /Next: sign in with aws login \(AWS CLI 2\.32 or later\)/);
    for (const file of filesUnder(box.home)) assert.equal(readFileSync(file, 'utf8').includes(password), false, `the password is in ${file}`);

    const listing = await accountListing(box);
    const admin = listing.users.find((u) => u.name === 'admin')!;
    assert.deepEqual(admin.keys, [], 'no access key');
    assert.deepEqual(admin.attached, ['arn:aws:iam::aws:policy/SecurityAudit', 'arn:aws:iam::aws:policy/SignInLocalDevelopmentAccess']);
    assert.deepEqual(admin.mfa, [MFA_SERIAL]);
    assert.ok(listing.roles.some((r) => r.name === 'admin'));
    const loginProfile = await runBoto3<{ reset: boolean }>('import boto3, json; p = boto3.client("iam").get_login_profile(UserName="admin")["LoginProfile"]; print(json.dumps({"reset": p.get("PasswordResetRequired", False)}))', {
      env: { ...box.env, AWS_PROFILE: 'bootstrap' },
    });
    assert.equal(loginProfile.reset, true, 'PasswordResetRequired');

    const config = readFileSync(box.configFile, 'utf8');
    assert.match(config, new RegExp(`\\[default\\]\\nregion = us-east-1\\nlogin_session = ${USER_ARN}\\n`));
    assert.match(config, new RegExp(`\\[profile admin\\]\\nrole_arn = ${ROLE_ARN}\\nsource_profile = default\\nmfa_serial = ${MFA_SERIAL}\\nregion = us-east-1\\n`));
    assert.doesNotMatch(config, /credential_process|aws_access_key_id/);
    const record = JSON.parse(readFileSync(join(box.home, '.config', 'rolegate', 'setups.json'), 'utf8')) as { setups: Array<{ identity?: string; store: string; complete: boolean }> };
    assert.deepEqual(record.setups.map((s) => [s.identity, s.store, s.complete]), [['console', 'none', true]]);

    const again = await setupConsole(box, ['--trust', 'user']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /console password of admin \(shown once/);
    assert.match(again.stdout, /Nothing changed/);

    // `aws login` (the stand-in): the read profile reads as the user, and the admin profile elevates with an MFA code
    const token = await standIn.signIn({ user: { userName: 'admin' }, accountId: ACCOUNT_ID });
    const loginCache = writeLoginCache(box.home, USER_ARN, token);
    const read = await runAws(['sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
    assert.equal(read.code, 0, read.stderr);
    assert.equal(JSON.parse(read.stdout).Arn, USER_ARN);
    const served = await runRolegate(['credential-process', 'default'], { env: box.env });
    assert.equal(served.code, 0, served.stderr);
    const elevated = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: `${await nextCode(box)}\n` });
    assert.equal(elevated.code, 0, elevated.stderr);
    assert.match(JSON.parse(elevated.stdout).Arn, /^arn:aws:sts::123456789012:assumed-role\/admin\//);
    const assume = (await moto.requests()).filter((r) => r.action === 'AssumeRole');
    assert.ok(assume.length >= 1 && assume.every((r) => r.access_key === token.accessToken.accessKeyId), 'the role is assumed with the console credentials');

    // verify, with the console credentials, under moto's access control (SecurityAudit decides)
    await moto.enableAccessControl();
    const verify = await runRolegate(['verify', '--mfa-code-command', mfaFlags(box)[3]!, '--json'], { env: box.env, timeoutMs: 120_000 });
    await moto.disableAccessControl();
    const checks = Object.fromEntries((JSON.parse(verify.stdout) as { checks: Array<{ id: string; status: string; reason: string }> }).checks.map((c) => [c.id, `${c.status}: ${c.reason}`]));
    assert.equal(verify.code, 0, JSON.stringify(checks, null, 1) + verify.stderr);
    for (const id of ['identity', 'read', 'write', 'mfaDevice', 'elevation', 'adminWrite', 'trustMfa', 'userMfa']) assert.match(checks[id] ?? '', /^pass/, `${id}: ${checks[id]}`);
    assert.match(checks.identity!, new RegExp(USER_ARN));

    const teardown = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes'], { env: box.env, timeoutMs: 120_000 });
    assert.equal(teardown.code, 0, teardown.stderr + teardown.stdout);
    assert.equal(existsSync(loginCache), false, "teardown removes the console sign-in (aws login's cache) of the user it deleted");
    assert.equal(existsSync(join(box.home, '.cache', 'rolegate', 'sessions', 'login-default.json')), false);
    const left = await accountListing(box);
    assert.deepEqual(left.users.map((u) => u.name), []);
    assert.deepEqual(left.roles.map((r) => r.name), []);
    assert.deepEqual(left.virtualMfa, []);
    assert.doesNotMatch(existsSync(box.configFile) ? readFileSync(box.configFile, 'utf8') : '', /login_session|role_arn/);
  } finally {
    box.cleanup();
  }
});

test('sign-in service stand-in: without SignInLocalDevelopmentAccess, aws login is refused (why setup attaches it)', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    await runBoto3('import boto3; iam = boto3.client("iam"); iam.create_user(UserName="plain"); print("null")', { env: { ...box.env, AWS_PROFILE: 'bootstrap' } });
    await assert.rejects(standIn.signIn({ user: { userName: 'plain' }, accountId: ACCOUNT_ID }), /signin:AuthorizeOAuth2Access/);
    await runBoto3('import boto3; boto3.client("iam").attach_user_policy(UserName="plain", PolicyArn="arn:aws:iam::aws:policy/SignInLocalDevelopmentAccess"); print("null")', { env: { ...box.env, AWS_PROFILE: 'bootstrap' } });
    const token = await standIn.signIn({ user: { userName: 'plain' }, accountId: ACCOUNT_ID });
    assert.equal(token.clientId, 'arn:aws:signin:::devtools/same-device');
  } finally {
    box.cleanup();
  }
});

test('setup --identity console refuses what needs an access key, before any AWS call', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    for (const extra of [['--store', 'file'], ['--role-chain', 'direct'], ['--replace-key']]) {
      const result = await setupConsole(box, extra);
      assert.equal(result.code, 2, extra.join(' '));
      assert.match(result.stderr, /--identity console makes none/);
    }
    const adopt = await setupConsole(box, ['--adopt']);
    assert.equal(adopt.code, 2, adopt.stderr);
    assert.match(adopt.stderr, /--adopt cannot be combined with --identity console[\s\S]*--user-name NAME/);
    assert.deepEqual((await moto.requests()).filter((r) => r.action !== 'GetCallerIdentity'), []);
  } finally {
    box.cleanup();
  }
});
