import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { runAws, runBoto3, runRolegate } from '../harness/run.js';
import { accountListing, BOOTSTRAP_CREDENTIALS, fileBytes, mutations, setup, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();

const CONFIG = '# my settings\n[profile other]\nregion = eu-central-1\noutput = json\n\n; trailing comment\n';
const CREDENTIALS = BOOTSTRAP_CREDENTIALS + '\n[other]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n';

function teardown(box: Sandbox, extra: string[] = []) {
  return runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', ...extra], { env: box.env });
}

/** An account with something of its own: a user, a role and a local policy rolegate must not touch. */
async function ownThings(box: Sandbox) {
  await runBoto3(
    `import boto3, json
iam = boto3.client("iam")
iam.create_user(UserName="alice")
iam.create_role(RoleName="ci", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
iam.create_policy(PolicyName="mine", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
print(1)`,
    { env: { ...box.env, AWS_PROFILE: 'bootstrap' } },
  );
}

test('teardown returns the account and the files to their state before setup', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    writeFileSync(box.configFile, CONFIG);
    writeFileSync(box.credentialsFile, CREDENTIALS, { mode: 0o600 });
    await ownThings(box);
    const before = await accountListing(box);
    const ran = await setup(box);
    assert.equal(ran.code, 0, ran.stderr);
    assert.notDeepEqual(await accountListing(box), before);

    const listed = await teardown(box);
    assert.equal(listed.code, 2, 'without a terminal and without --yes it refuses');
    assert.match(listed.stdout, /IAM user admin: delete/);
    assert.match(listed.stdout, /IAM role admin: delete/);
    assert.match(listed.stderr, /--yes/);

    const removed = await teardown(box, ['--yes']);
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    assert.deepEqual(await accountListing(box), before);
    assert.equal(fileBytes(box.configFile), CONFIG);
    assert.equal(fileBytes(box.credentialsFile), CREDENTIALS);

    await moto.clearRequests();
    const again = await teardown(box, ['--yes']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to remove/);
    assert.deepEqual(mutations(await moto.requests()), []);
  } finally {
    box.cleanup();
  }
});

for (const [label, config] of [
  ['another region', '[default]\nregion=eu-west-1\noutput = json\n'],
  ['the same region, and nothing else', '[default]\nregion = us-east-1\n'],
] as const) {
  test(`a [default] profile the user had (${label}): teardown puts its region back, byte for byte`, async () => {
    const box = setupSandbox(moto.endpoint);
    try {
      writeFileSync(box.configFile, config);
      const ran = await setup(box, ['--region', 'us-east-1']);
      assert.equal(ran.code, 0, ran.stderr);
      assert.match(fileBytes(box.configFile)!, /^\[default\]\nregion ?= ?us-east-1\n/);
      assert.equal(existsSync(join(box.home, '.config', 'rolegate', 'profiles-before-setup.json')), true);
      const removed = await teardown(box, ['--yes']);
      assert.equal(removed.code, 0, removed.stderr + removed.stdout);
      assert.equal(fileBytes(box.configFile), config);
      assert.equal(existsSync(join(box.home, '.config', 'rolegate', 'profiles-before-setup.json')), false, 'the record goes with teardown');
    } finally {
      box.cleanup();
    }
  });
}

test('a region changed after setup (with aws configure set) stays as the user set it after teardown', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    writeFileSync(box.configFile, '[default]\nregion=eu-west-1\n');
    assert.equal((await setup(box, ['--region', 'us-east-1'])).code, 0);
    const changed = await runAws(['configure', 'set', 'region', 'ap-south-1'], { env: box.env });
    assert.equal(changed.code, 0, changed.stderr);
    const removed = await teardown(box, ['--yes']);
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    const left = fileBytes(box.configFile) ?? '';
    assert.match(left, /^\[default\]\nregion ?= ?ap-south-1\n/);
    assert.doesNotMatch(left, /eu-west-1|us-east-1|mfa_serial|role_arn|\[profile admin\]/, left);
  } finally {
    box.cleanup();
  }
});

test('setup rerun after its record is lost (as after an older rolegate): teardown puts back none of setup\'s own keys', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const record = join(box.home, '.config', 'rolegate', 'profiles-before-setup.json');
    assert.equal((await setup(box, ['--region', 'us-east-1'])).code, 0);
    rmSync(record);
    const again = await setup(box, ['--region', 'eu-west-1']);
    assert.equal(again.code, 0, again.stderr);
    const removed = await teardown(box, ['--yes']);
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    const left = fileBytes(box.configFile) ?? '';
    assert.doesNotMatch(left, /role_arn|source_profile|mfa_serial|credential_process|rolegate_/, left);
  } finally {
    box.cleanup();
  }
});

test('--store file: teardown removes the stored key and the profiles, keeping every other byte', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  box.env.ROLEGATE_KEY_FILE = `${box.home}/rolegate-keys.enc`;
  try {
    writeFileSync(box.configFile, CONFIG);
    writeFileSync(box.credentialsFile, CREDENTIALS, { mode: 0o600 });
    const before = await accountListing(box);
    const ran = await setup(box, ['--store', 'file']);
    assert.equal(ran.code, 0, ran.stderr);
    const profilesIn = () => (JSON.parse(fileBytes(box.env.ROLEGATE_KEY_FILE!) ?? '{"profiles": []}') as { profiles: string[] }).profiles;
    assert.deepEqual(profilesIn(), ['default']);
    const removed = await teardown(box, ['--yes']);
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    assert.match(removed.stdout, /stored key of profile default \(file store\)/);
    assert.deepEqual(profilesIn(), []);
    assert.deepEqual(await accountListing(box), before);
    assert.equal(fileBytes(box.configFile), CONFIG);
    assert.equal(fileBytes(box.credentialsFile), CREDENTIALS);
  } finally {
    box.cleanup();
  }
});

test('teardown after an interrupted setup removes the unpaired device too', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const before = await accountListing(box);
    const killed = await setup(box, [], { ROLEGATE_TEST_KILL_AFTER_STEP: 'mfa-device:created' });
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal((await accountListing(box)).virtualMfa.length, 1);
    const removed = await teardown(box, ['--yes', '--json']);
    assert.equal(removed.code, 0, removed.stderr);
    const report = JSON.parse(removed.stdout) as { removed: boolean; actions: { resource: string }[] };
    assert.equal(report.removed, true);
    assert.ok(report.actions.some((a) => /unpaired MFA device/.test(a.resource)));
    assert.deepEqual(await accountListing(box), before);
  } finally {
    box.cleanup();
  }
});

test('teardown leaves alone a same-named user and role that rolegate did not create', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    await runBoto3(
      `import boto3, json
iam = boto3.client("iam")
iam.create_user(UserName="admin")
iam.create_role(RoleName="admin", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
print(1)`,
      { env: { ...box.env, AWS_PROFILE: 'bootstrap' } },
    );
    const before = await accountListing(box);
    await moto.clearRequests();
    const result = await teardown(box, ['--yes']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /IAM user admin \(not created by rolegate\): left alone/);
    assert.match(result.stdout, /IAM role admin \(not created by rolegate\): left alone/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await accountListing(box), before);
  } finally {
    box.cleanup();
  }
});

test('a config file that setup created is gone after teardown, not left empty', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  box.env.ROLEGATE_KEY_FILE = `${box.home}/rolegate-keys.enc`;
  try {
    assert.equal(fileBytes(box.configFile), undefined, 'no config file before setup');
    const credentialsBefore = fileBytes(box.credentialsFile);
    const ran = await setup(box, ['--store', 'file']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(fileBytes(box.configFile) ?? '', /credential-process default/);
    const removed = await teardown(box, ['--yes']);
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    assert.equal(fileBytes(box.configFile), undefined, 'the config file setup created is removed');
    assert.equal(fileBytes(`${box.configFile}.rolegate.bak`), undefined, 'with no setup left, its backup goes too');
    assert.equal(fileBytes(box.credentialsFile), credentialsBefore);
  } finally {
    box.cleanup();
  }
});
