// Bad input and faults: each gives a clear message and a non-zero exit, changes nothing it should
// not, and leaves a state that the next run completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { PYTHON_MFA_HELPERS } from '../harness/mfaCodes.js';
import { ACCOUNT_ID, useMotoServer } from '../harness/moto.js';
import { runBoto3, runRolegate } from '../harness/run.js';
import { accountListing, fileBytes, mfaFlags, mutations, setup, setupSandbox, makeSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();

const boto = (box: Sandbox, code: string) => runBoto3(`import boto3, json\n${PYTHON_MFA_HELPERS}\niam = boto3.client("iam")\n${code}`, { env: { ...box.env, AWS_PROFILE: 'bootstrap' } });

async function completes(box: Sandbox, extra: string[] = []) {
  const result = await setup(box, extra);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const listing = await accountListing(box);
  const admin = listing.users.find((u) => u.name === 'admin')!;
  assert.equal(admin.keys.length, 1);
  assert.equal(admin.mfa.length, 1);
  assert.equal(listing.roles.length, 1);
  return listing;
}

test('invalid names and values: exit 2 before any AWS call', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    for (const [flags, pattern] of [
      [['--user-name', 'bad name!'], /invalid user name "bad name!"/],
      [['--role-name', 'x'.repeat(65)], /invalid role name/],
      [['--role-duration', '60'], /invalid role duration/],
      [['--trust', 'everyone'], /invalid value "everyone" for --trust/],
      [['--store', 'cloud'], /invalid value "cloud" for --store/],
      [['--region', 'mars'], /invalid region/],
    ] as const) {
      const result = await setup(box, [...flags]);
      assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.match(result.stderr, /next: /);
    }
    assert.deepEqual(await moto.requests(), []);
  } finally {
    box.cleanup();
  }
});

test('--store file with ROLEGATE_FILE_PASSPHRASE too short for a new key file, or unset without a terminal: exit 2 before any AWS call; a long enough one completes', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const short = await setup(box, ['--store', 'file'], { ROLEGATE_FILE_PASSPHRASE: 'eleven char' });
    assert.equal(short.code, 2, short.stderr);
    assert.match(short.stderr, /ROLEGATE_FILE_PASSPHRASE is too short for a new encrypted key file: it needs at least 12 characters/);
    assert.match(short.stderr, /next: /);
    assert.deepEqual(await moto.requests(), []);
    const none = await setup(box, ['--store', 'file']);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /--store file needs the passphrase of .*keys\.enc, and there is no terminal to ask on/);
    assert.deepEqual(await moto.requests(), []);
    const long = await setup(box, ['--store', 'file'], { ROLEGATE_FILE_PASSPHRASE: 'twelve chars' });
    assert.equal(long.code, 0, long.stderr);
  } finally {
    box.cleanup();
  }
});

test('no credentials: a clear message, exit 1', async () => {
  const box = makeSandbox({ endpoint: moto.endpoint });
  try {
    const result = await runRolegate(['setup', '--store', 'plain', '--yes'], { env: box.env });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /no AWS credentials found/);
    assert.match(result.stderr, /--bootstrap-profile/);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
  } finally {
    box.cleanup();
  }
});

test('too few permissions: names the denied action and the policy needed; the next run completes', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const key = await boto(
      box,
      `iam.create_user(UserName="limited")
iam.attach_user_policy(UserName="limited", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
k = iam.create_access_key(UserName="limited")["AccessKey"]
print(json.dumps([k["AccessKeyId"], k["SecretAccessKey"]]))`,
    ) as [string, string];
    appendFileSync(box.credentialsFile, `[limited]\naws_access_key_id = ${key[0]}\naws_secret_access_key = ${key[1]}\n`);
    await moto.enableAccessControl(0);
    const denied = await runRolegate(['setup', '--bootstrap-profile', 'limited', '--store', 'plain', ...mfaFlags(box)], { env: box.env });
    await moto.disableAccessControl();
    assert.equal(denied.code, 1, denied.stderr);
    assert.match(denied.stderr, /not allowed to call iam:CreateUser/);
    assert.match(denied.stderr, /IAMFullAccess/);
    await completes(box);
  } finally {
    await moto.disableAccessControl();
    box.cleanup();
  }
});

test('a same-named user that rolegate did not create: refused, nothing changed; --adopt takes it over', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    await boto(box, 'iam.create_user(UserName="admin"); print(1)');
    await moto.clearRequests();
    const refused = await setup(box);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /an IAM user named admin already exists and was not created by rolegate/);
    assert.match(refused.stderr, /--adopt/);
    assert.deepEqual(mutations(await moto.requests()), []);
    const listing = await completes(box, ['--adopt']);
    const user = listing.users[0]!;
    // adopted: what setup added to the user is recorded on it, so teardown removes that and keeps the user
    assert.deepEqual(user.tags, {
      'managed-by': 'rolegate',
      'rolegate:adopted': 'true',
      'rolegate:added-policy': 'arn:aws:iam::aws:policy/SecurityAudit',
      'rolegate:added-inline-policy': 'admin',
      'rolegate:added-mfa-device': `arn:aws:iam::${ACCOUNT_ID}:mfa/admin`,
      [user.keys[0]!]: 'created by rolegate setup',
    });
  } finally {
    box.cleanup();
  }
});

test('a same-named role that rolegate did not create: refused before any change', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    await boto(box, 'iam.create_role(RoleName="admin", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})); print(1)');
    await moto.clearRequests();
    const refused = await setup(box);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /an IAM role named admin already exists and was not created by rolegate/);
    assert.deepEqual(mutations(await moto.requests()), []);
    await completes(box, ['--adopt']);
  } finally {
    box.cleanup();
  }
});

test('two access keys already: refused before any change, naming both; completes once one is deleted', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const ids = (await boto(
      box,
      `iam.create_user(UserName="admin", Tags=[{"Key": "managed-by", "Value": "rolegate"}])
print(json.dumps([iam.create_access_key(UserName="admin")["AccessKey"]["AccessKeyId"] for _ in range(2)]))`,
    )) as string[];
    await moto.clearRequests();
    const refused = await setup(box);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /already has two access keys/);
    for (const id of ids) assert.ok(refused.stderr.includes(id));
    assert.deepEqual(mutations(await moto.requests()), []);
    await boto(box, `iam.delete_access_key(UserName="admin", AccessKeyId="${ids[0]}"); print(1)`);
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr);
    const keys = (await accountListing(box)).users[0]!.keys;
    assert.equal(keys.length, 2);
    assert.ok(keys.includes(ids[1]!), 'the key rolegate did not create is kept');
  } finally {
    box.cleanup();
  }
});

test('an MFA device already attached: refused; --adopt uses it', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    await boto(
      box,
      `iam.create_user(UserName="admin", Tags=[{"Key": "managed-by", "Value": "rolegate"}])
d = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
enable_mfa(iam, "admin", d["SerialNumber"], d["Base32StringSeed"])
print(1)`,
    );
    await moto.clearRequests();
    const refused = await setup(box);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /already has an MFA device attached \(arn:aws:iam::123456789012:mfa\/phone\)/);
    assert.deepEqual(mutations(await moto.requests()), []);
    const adopted = await setup(box, ['--adopt']);
    assert.equal(adopted.code, 0, adopted.stderr);
    const listing = await accountListing(box);
    assert.deepEqual(listing.users[0]!.mfa, ['arn:aws:iam::123456789012:mfa/phone']);
    assert.equal(listing.virtualMfa.length, 1);
    assert.match(fileBytes(box.configFile) ?? '', /mfa_serial = arn:aws:iam::123456789012:mfa\/phone/);
  } finally {
    box.cleanup();
  }
});

test('an unpaired MFA device of the same name that rolegate did not create: refused; --adopt replaces it', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    await boto(box, 'iam.create_virtual_mfa_device(VirtualMFADeviceName="admin"); print(1)');
    await moto.clearRequests();
    const refused = await setup(box);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /an unpaired virtual MFA device named arn:aws:iam::123456789012:mfa\/admin exists that rolegate did not create/);
    assert.deepEqual(mutations(await moto.requests()), []);
    const listing = await completes(box, ['--adopt']);
    assert.deepEqual(listing.virtualMfa, [{ serial: 'arn:aws:iam::123456789012:mfa/admin', user: 'admin' }]);
  } finally {
    box.cleanup();
  }
});

test('a wrong MFA code: refused before EnableMFADevice; the next run replaces the unpaired device', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const wrong = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', ...mfaFlags(box, 'wrong')], {
      env: box.env,
    });
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.match(wrong.stderr, /does not match the new MFA device/);
    const log = await moto.requests();
    assert.ok(log.some((r) => r.action === 'CreateVirtualMFADevice'));
    assert.ok(!log.some((r) => r.action === 'EnableMFADevice'));
    const listing = await completes(box);
    assert.deepEqual(listing.virtualMfa, [{ serial: 'arn:aws:iam::123456789012:mfa/admin', user: 'admin' }]);
  } finally {
    box.cleanup();
  }
});

test('no terminal and no pairing commands: exit 2 before any change', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const result = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain'], { env: box.env });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /needs a terminal/);
    assert.match(result.stderr, /--mfa-pair-command/);
    assert.deepEqual(mutations(await moto.requests()), []);
  } finally {
    box.cleanup();
  }
});

test('another key in the default profile: refused before any change (bootstrap key stays usable)', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    appendFileSync(box.credentialsFile, '[default]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n');
    const before = fileBytes(box.credentialsFile);
    const result = await setup(box);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /holds an access key \(AKIAI44QH8DHBEXAMPLE\)/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.equal(fileBytes(box.credentialsFile), before);
    writeFileSync(box.credentialsFile, before!.replace('[default]', '[old]'));
    await completes(box);
  } finally {
    box.cleanup();
  }
});
