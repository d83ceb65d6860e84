// Setup in the states people bring: a second setup beside the first, profiles rolegate did not
// write, a bootstrap key in [default], a read-only config, the read-only user as bootstrap.
// Every refusal leaves the IAM listing and the files as they were, and --plan refuses the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { runAws, runRolegate, type RunResult } from '../harness/run.js';
import { openKeyStore } from '../../src/keys/keyStore.js';
import { accountListing, BOOTSTRAP_CREDENTIALS, fileBytes, mfaFlags, mutations, setup, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();

const SECOND = ['--profile', 'ro5', '--admin-profile', 'admin5', '--user-name', 'ro5', '--role-name', 'admin5', '--policy-name', 'admin5'];
const out = (r: RunResult) => r.stdout + r.stderr;

function teardown(box: Sandbox, extra: string[] = []) {
  return runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes', ...extra], { env: box.env });
}

/** What a refusal must leave alone: the IAM listing and every byte of the files. */
async function snapshot(box: Sandbox) {
  return {
    listing: await accountListing(box),
    config: fileBytes(box.configFile),
    credentials: fileBytes(box.credentialsFile),
    record: fileBytes(join(box.home, '.config', 'rolegate', 'profiles-before-setup.json')),
    keys: fileBytes(join(box.home, '.config', 'rolegate', 'keys.enc')),
  };
}

/** --plan and the run refuse alike: both exit 2 before any change, naming the same problem. */
async function assertRefused(box: Sandbox, extra: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}) {
  const before = await snapshot(box);
  await moto.clearRequests();
  const plan = await setup(box, ['--plan', ...extra], env);
  assert.equal(plan.code, 2, out(plan));
  assert.match(plan.stderr, pattern);
  const run = await setup(box, extra, env);
  assert.equal(run.code, 2, out(run));
  assert.match(run.stderr, pattern);
  assert.match(run.stderr, /setup stopped before changing anything/);
  assert.deepEqual(mutations(await moto.requests()), []);
  assert.deepEqual(await snapshot(box), before);
  return run;
}

async function identity(box: Sandbox, profile: string): Promise<string> {
  const r = await runAws(['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { Arn: string }).Arn;
}

test('two setups side by side (other names, own profiles): both work; tearing one down leaves the other as it was', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const first = await setup(box);
    assert.equal(first.code, 0, out(first));
    const afterFirst = await snapshot(box);
    const second = await setup(box, SECOND);
    assert.equal(second.code, 0, out(second));
    assert.equal(await identity(box, 'default'), `arn:aws:iam::${ACCOUNT_ID}:user/admin`);
    assert.equal(await identity(box, 'ro5'), `arn:aws:iam::${ACCOUNT_ID}:user/ro5`);
    const listing = await accountListing(box);
    assert.deepEqual(listing.users.map((u) => [u.name, u.keys.length]), [['admin', 1], ['ro5', 1]]);
    // each user's one key is on the laptop, under its own profile: none is orphaned
    const credentials = fileBytes(box.credentialsFile) ?? '';
    for (const user of listing.users) assert.ok(credentials.includes(user.keys[0]!), `${user.name}'s key is stored`);

    const removed = await teardown(box, ['--profile', 'ro5', '--admin-profile', 'admin5', '--user-name', 'ro5', '--role-name', 'admin5']);
    assert.equal(removed.code, 0, out(removed));
    assert.match(removed.stdout, /Teardown complete/);
    assert.deepEqual(await snapshot(box), afterFirst, 'the first setup is as it was, IAM and files');
    assert.equal(await identity(box, 'default'), `arn:aws:iam::${ACCOUNT_ID}:user/admin`);
  } finally {
    box.cleanup();
  }
});

test('two setups in the file store: each key under its own profile in keys.enc; tearing one down leaves the other\'s entry', async () => {
  const passphrase = { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' };
  const box = setupSandbox(moto.endpoint, passphrase);
  try {
    assert.equal((await setup(box, ['--store', 'file'])).code, 0);
    const second = await setup(box, ['--store', 'file', ...SECOND]);
    assert.equal(second.code, 0, out(second));
    const store = () => openKeyStore('file', { env: box.env });
    const keys = Object.fromEntries((await accountListing(box)).users.map((u) => [u.name, u.keys]));
    assert.deepEqual([(await (await store()).load('default'))?.accessKeyId], keys.admin, 'the first user\'s one key, under default');
    assert.deepEqual([(await (await store()).load('ro5'))?.accessKeyId], keys.ro5, 'the second user\'s one key, under ro5');
    const afterBoth = await snapshot(box);

    const removed = await teardown(box, ['--profile', 'ro5', '--admin-profile', 'admin5', '--user-name', 'ro5', '--role-name', 'admin5']);
    assert.equal(removed.code, 0, out(removed));
    assert.match(removed.stdout, /stored key of profile ro5 \(file store\): removed/);
    assert.equal(await (await store()).load('ro5'), undefined);
    assert.equal((await (await store()).load('default'))?.accessKeyId, keys.admin![0], 'the first key stays, readable with the same passphrase');
    const after = await snapshot(box);
    assert.deepEqual(after.listing.users.map((u) => u.name), ['admin']);
    assert.deepEqual(after.listing.users[0], afterBoth.listing.users.find((u) => u.name === 'admin'));
    assert.doesNotMatch(after.config ?? '', /ro5|admin5/);
  } finally {
    box.cleanup();
  }
});

test('a second setup into the first one\'s profile is refused (plan and run): its key would be left active with no copy', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    assert.equal((await setup(box)).code, 0);
    const run = await assertRefused(box, ['--user-name', 'ro5', '--role-name', 'admin5', '--admin-profile', 'admin5'], /\[default\] in .*credentials holds an access key \(AKIA\w+\), an active key of IAM user admin/);
    assert.match(run.stderr, /--profile NAME/);
    assert.match(run.stderr, /--replace-key/);
  } finally {
    box.cleanup();
  }
});

test('--store file: another setup\'s stored key is refused by the plan without a passphrase, and by the run alike', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  try {
    assert.equal((await setup(box, ['--store', 'file'])).code, 0);
    const before = await snapshot(box);
    const plan = await setup(box, ['--plan', '--store', 'file', '--user-name', 'ro5', '--admin-profile', 'admin5'], { ROLEGATE_FILE_PASSPHRASE: '' });
    assert.equal(plan.code, 2, out(plan));
    assert.match(plan.stderr, /\[default\] \(key in the file store\) holds an access key of another setup \(MFA device arn:aws:iam::\d+:mfa\/admin\)/);
    const run = await setup(box, ['--store', 'file', '--user-name', 'ro5', '--admin-profile', 'admin5']);
    assert.equal(run.code, 2, out(run));
    // the same refusal; the run, which opens the store, also names the key and its user
    assert.match(run.stderr, /\[default\] \(key in the file store\) holds an access key \(AKIA\w+\), an active key of IAM user admin/);
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});

test('--replace-key replaces another setup\'s key knowingly and deletes it in IAM once the new key works', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    assert.equal((await setup(box)).code, 0);
    const oldKey = (await accountListing(box)).users[0]!.keys[0]!;
    const run = await setup(box, ['--user-name', 'ro5', '--role-name', 'admin5', '--admin-profile', 'admin5', '--replace-key']);
    assert.equal(run.code, 0, out(run));
    assert.match(run.stdout, new RegExp(`the replaced key ${oldKey} of user admin: deleted in IAM`));
    const users = Object.fromEntries((await accountListing(box)).users.map((u) => [u.name, u.keys]));
    assert.deepEqual(users.admin, [], 'no key of the first user is left active without a copy');
    assert.equal(await identity(box, 'default'), `arn:aws:iam::${ACCOUNT_ID}:user/ro5`);
  } finally {
    box.cleanup();
  }
});

test('a foreign [profile admin] (SSO) is refused with the IAM listing unchanged; --admin-profile or --adopt proceed', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const sso = '[profile admin]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n';
    writeFileSync(box.configFile, sso);
    const run = await assertRefused(box, [], /\[profile admin\] in .*config is not rolegate's: it holds sso_session = corp, sso_account_id = 111122223333, sso_role_name = Admin/);
    assert.match(run.stderr, /--admin-profile with another name/);
    assert.match(run.stderr, /--adopt/);

    const adopted = await setup(box, ['--adopt']);
    assert.equal(adopted.code, 0, out(adopted));
    const config = fileBytes(box.configFile) ?? '';
    assert.doesNotMatch(config.split('[sso-session')[0]!, /sso_/, 'the profile taken over no longer has SSO keys');
    assert.match(config, /\[profile admin\][^[]*role_arn = arn:aws:iam::\d+:role\/admin/);
    const removed = await teardown(box);
    assert.equal(removed.code, 0, out(removed));
    const back = fileBytes(box.configFile) ?? '';
    for (const line of ['sso_session = corp', 'sso_account_id = 111122223333', 'sso_role_name = Admin', 'region = eu-west-1']) assert.ok(back.includes(line), `${line} is put back:\n${back}`);
    assert.doesNotMatch(back, /role_arn|source_profile|mfa_serial/);
  } finally {
    box.cleanup();
  }
});

test('the region a profile has (else [default]\'s) is kept unless --region is given; the plan shows it', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    writeFileSync(box.configFile, '[default]\nregion = eu-west-1\noutput = json\n');
    const plan = await setup(box, ['--plan']);
    assert.equal(plan.code, 0, out(plan));
    assert.match(plan.stdout, /\[profile admin\] .*region = eu-west-1/);
    assert.match(plan.stdout, /region default: eu-west-1 \(its own, kept\), admin: eu-west-1 \(from \[default\]\)/);
    assert.doesNotMatch(plan.stdout, /us-east-1/);
    assert.equal((await setup(box)).code, 0);
    const config = fileBytes(box.configFile) ?? '';
    assert.match(config, /^\[default\]\nregion = eu-west-1\noutput = json\n/);
    assert.doesNotMatch(config, /us-east-1/);
  } finally {
    box.cleanup();
  }
});

test('a bootstrap admin key in [default]: plan and run refuse alike; from [bootstrap], the final message says to delete it', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    // the admin key in [default] (and, for the listing this test takes through boto3, in [bootstrap])
    writeFileSync(box.credentialsFile, BOOTSTRAP_CREDENTIALS.replace('[bootstrap]', '[default]') + '\n' + BOOTSTRAP_CREDENTIALS, { mode: 0o600 });
    const before = await snapshot(box);
    for (const extra of [['--plan'], []]) {
      const r = await runRolegate(['setup', '--store', 'plain', ...mfaFlags(box), ...extra], { env: box.env });
      assert.equal(r.code, 2, out(r));
      assert.match(r.stderr, /\[default\] in .*credentials holds the key setup runs with \(AKIAIOSFODNN7EXAMPLE\)/);
      assert.match(r.stderr, /--bootstrap-profile bootstrap/);
    }
    assert.deepEqual(await snapshot(box), before);

    writeFileSync(box.credentialsFile, BOOTSTRAP_CREDENTIALS, { mode: 0o600 });
    const ran = await setup(box);
    assert.equal(ran.code, 0, out(ran));
    assert.match(ran.stdout, /the key setup ran with \(AKIAIOSFODNN7EXAMPLE, .*\) is still in plaintext in \[bootstrap\]/);
    assert.match(ran.stdout, /aws --profile admin iam delete-access-key (--user-name \S+ )?--access-key-id AKIAIOSFODNN7EXAMPLE/);
  } finally {
    box.cleanup();
  }
});

test('a read-only config file: setup stops before any AWS change (IAM unchanged), and the plan says so too', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    writeFileSync(box.configFile, '[profile other]\nregion = eu-central-1\n');
    chmodSync(box.configFile, 0o444);
    const run = await assertRefused(box, [], /config is read-only/);
    assert.match(run.stderr, /chmod u\+w/);
  } finally {
    box.cleanup();
  }
});

test('setup run as the read-only user it created: refused with the way to the bootstrap admin, never more rights', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    assert.equal((await setup(box)).code, 0);
    const before = await snapshot(box);
    await moto.clearRequests();
    const r = await runRolegate(['setup', '--bootstrap-profile', 'default', '--store', 'plain', '--profile', 'ro', '--admin-profile', 'ro-admin', ...mfaFlags(box)], {
      env: box.env,
    });
    assert.equal(r.code, 2, out(r));
    assert.match(r.stderr, /belong to arn:aws:iam::\d+:user\/admin, the read-only user rolegate created/);
    assert.match(r.stderr, /--bootstrap-profile PROFILE/);
    assert.doesNotMatch(out(r), /IAMFullAccess|AdministratorAccess\) to it/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});

test('setup --plan with an unusable keychain (no Secret Service) exits non-zero and names it, as the run stops on it', async () => {
  const box = setupSandbox(moto.endpoint, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' });
  try {
    const before = await snapshot(box);
    await moto.clearRequests();
    const plan = await runRolegate(['setup', '--plan'], { env: { ...box.env, AWS_PROFILE: 'bootstrap' } });
    assert.notEqual(plan.code, 0, out(plan));
    assert.match(plan.stdout, /access key of user admin \(keychain store, profile default\): will be created/);
    assert.match(plan.stdout, /Setup would stop before changing anything/);
    assert.match(plan.stderr, /OS keychain cannot be used here: the Secret Service/);
    assert.match(plan.stderr, /use --store file instead/);
    const run = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--yes', ...mfaFlags(box)], { env: box.env });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /OS keychain cannot be used/);
    assert.deepEqual(mutations(await moto.requests()), [], 'the run found it before creating anything');
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});

test('setup --plan --store file checks the store as the run does: a passphrase that does not open keys.enc, or none and no terminal, stops it non-zero', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  try {
    assert.equal((await setup(box, ['--store', 'file'])).code, 0);
    const before = await snapshot(box);
    await moto.clearRequests();
    const wrong = await setup(box, ['--plan', '--store', 'file'], { ROLEGATE_FILE_PASSPHRASE: 'not the passphrase of this file' });
    assert.notEqual(wrong.code, 0, out(wrong));
    assert.match(wrong.stderr, /wrong passphrase/);
    const none = await setup(box, ['--plan', '--store', 'file'], { ROLEGATE_FILE_PASSPHRASE: '' });
    assert.equal(none.code, 2, out(none));
    assert.match(none.stderr, /--store file needs the passphrase of .*keys\.enc, and there is no terminal to ask on/);
    const right = await setup(box, ['--plan', '--store', 'file']);
    assert.equal(right.code, 0, out(right));
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});

test('a keys.enc that holds no key (left by a teardown) does not stop a setup with a new passphrase', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  try {
    // an older teardown emptied the file and left it, under a passphrase no one remembers
    const { encryptKeys } = await import('../../src/keys/fileKeyStore.js');
    mkdirSync(join(box.home, '.config', 'rolegate'), { recursive: true });
    writeFileSync(join(box.home, '.config', 'rolegate', 'keys.enc'), await encryptKeys({}, 'the old passphrase, forgotten', { N: 2 ** 15, r: 8, p: 1 }), { mode: 0o600 });
    const again = await setup(box, ['--store', 'file'], { ROLEGATE_FILE_PASSPHRASE: 'a brand new passphrase' });
    assert.equal(again.code, 0, out(again));
    assert.match(again.stdout, /Setup complete/);
  } finally {
    box.cleanup();
  }
});

test('every problem at once: a read-only config and a keychain that cannot be used are named in one run, before any change', async () => {
  const box = setupSandbox(moto.endpoint, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' });
  try {
    writeFileSync(box.configFile, '[profile other]\nregion = eu-central-1\n');
    chmodSync(box.configFile, 0o444);
    const before = await snapshot(box);
    await moto.clearRequests();
    const run = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--yes', ...mfaFlags(box)], { env: box.env });
    assert.equal(run.code, 2, out(run));
    assert.match(run.stderr, /setup stopped before changing anything/);
    assert.match(run.stderr, /config is read-only/);
    assert.match(run.stderr, /OS keychain cannot be used/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});
