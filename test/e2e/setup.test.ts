import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { runAws, runBoto3 } from '../harness/run.js';
import { accountListing, nextCode, fileBytes, mutations, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();

const USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/admin`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/admin`;
const SERIAL = `arn:aws:iam::${ACCOUNT_ID}:mfa/admin`;
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

test('setup from nothing creates exactly the resources, checked through boto3', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const listing = await accountListing(box);
    assert.equal(listing.users.length, 1);
    const user = listing.users[0]!;
    assert.deepEqual(
      { ...user, keys: user.keys.length },
      {
        name: 'admin',
        tags: { 'managed-by': 'rolegate', [user.keys[0]!]: 'created by rolegate setup' },
        attached: ['arn:aws:iam::aws:policy/SecurityAudit'],
        inline: { admin: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE_ARN, Condition: MFA }] } },
        keys: 1,
        mfa: [SERIAL],
      },
    );
    assert.deepEqual(listing.roles, [
      {
        name: 'admin',
        tags: { 'managed-by': 'rolegate' },
        trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole', Condition: MFA }] },
        maxSession: 3600,
        attached: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        inline: [],
      },
    ]);
    assert.deepEqual(listing.virtualMfa, [{ serial: SERIAL, user: 'admin' }]);
    assert.deepEqual(listing.localPolicies, []);
    // the key in the credentials file is the user's one key; the profiles are the guide layout
    const profiles = await runBoto3<Record<string, Record<string, string>>>(
      'import botocore.session, json; s = botocore.session.Session(); print(json.dumps({p: s.full_config["profiles"][p] for p in ["default", "admin"]}))',
      { env: box.env },
    );
    assert.equal(profiles.default!.aws_access_key_id, user.keys[0]);
    assert.deepEqual(profiles.admin, { role_arn: ROLE_ARN, source_profile: 'default', mfa_serial: SERIAL, region: 'us-east-1' });
    assert.equal(profiles.default!.region, 'us-east-1');
    // the seed reached the pair command only: never the output, never a file rolegate wrote
    const seed = new URL(readFileSync(`${box.home}/totp-uri`, 'utf8').trim()).searchParams.get('secret')!;
    for (const text of [result.stdout, result.stderr, fileBytes(box.configFile) ?? '', fileBytes(box.credentialsFile) ?? '']) {
      assert.ok(!text.includes(seed));
    }
    assert.match(result.stdout, /IAM user admin: created/);
  } finally {
    box.cleanup();
  }
});

test('a second run changes nothing and says so', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const first = await setup(box);
    assert.equal(first.code, 0, first.stderr);
    const before = { config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile), listing: await accountListing(box) };
    await moto.clearRequests();
    const second = await setup(box);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Nothing changed/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual({ config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile), listing: await accountListing(box) }, before);
  } finally {
    box.cleanup();
  }
});

test('--plan prints the plan with the exact policies and changes nothing', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const config = fileBytes(box.configFile);
    const credentials = fileBytes(box.credentialsFile);
    const plan = await setup(box, ['--plan', '--trust', 'user']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.match(plan.stdout, /\+ IAM user admin: will be created/);
    assert.match(plan.stdout, /\+ IAM role admin: will be created/);
    assert.ok(plan.stdout.includes(`"AWS": "${USER_ARN}"`), plan.stdout);
    assert.ok(plan.stdout.includes('"aws:MultiFactorAuthPresent": "true"'));
    assert.equal(fileBytes(box.configFile), config);
    assert.equal(fileBytes(box.credentialsFile), credentials);
    // after setup, the plan says everything exists; a changed option shows as a difference
    assert.equal((await setup(box)).code, 0);
    const again = await setup(box, ['--plan', '--json', '--role-duration', '7200']);
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as { plan: { step: string; status: string; summary: string }[]; result?: unknown };
    assert.equal(report.result, undefined);
    const byStep = Object.fromEntries(report.plan.map((p) => [p.step, p.status]));
    assert.deepEqual(byStep, {
      user: 'exists',
      'read-policy': 'exists',
      role: 'update',
      'admin-policy': 'exists',
      'inline-policy': 'exists',
      'mfa-device': 'exists',
      'access-key': 'exists',
      // the session chain keeps 1 h role sessions whatever the role allows: no duration_seconds to write
      profiles: 'exists',
      verify: 'check',
      'root-key': 'skip',
    });
  } finally {
    box.cleanup();
  }
});

test('--json prints plan and result', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const result = await setup(box, ['--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { userArn: string; roleArn: string; plan: unknown[]; result: { changed: boolean; steps: { step: string; action: string }[] } };
    assert.equal(report.userArn, USER_ARN);
    assert.equal(report.roleArn, ROLE_ARN);
    assert.equal(report.plan.length, 10);
    assert.equal(report.result.changed, true);
    assert.deepEqual(
      report.result.steps.map((s) => `${s.step}:${s.action}`),
      ['user:applied', 'read-policy:applied', 'role:applied', 'admin-policy:applied', 'inline-policy:applied', 'mfa-device:applied', 'access-key:applied', 'profiles:applied', 'verify:checked', 'root-key:skipped'],
    );
  } finally {
    box.cleanup();
  }
});

test('the real AWS CLI reads the files: the user by default, the admin role with an MFA code', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr);
    const plain = await runAws(['sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(JSON.parse(plain.stdout).Arn, USER_ARN);
    const admin = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: (await nextCode(box)) + '\n' });
    assert.equal(admin.code, 0, admin.stderr);
    assert.match(JSON.parse(admin.stdout).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT_ID}:assumed-role/admin/`));
    const assumed = (await moto.requests()).filter((r) => r.action === 'AssumeRole');
    assert.equal(assumed.length, 1);
  } finally {
    box.cleanup();
  }
});

test('--store file: no secret under ~/.aws, credential_process profiles; a rerun finds the stored key', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  box.env.ROLEGATE_KEY_FILE = `${box.home}/rolegate-keys.enc`;
  try {
    const result = await setup(box, ['--store', 'file']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const listing = await accountListing(box);
    const keyId = listing.users[0]!.keys[0]!;
    assert.ok(!(fileBytes(box.credentialsFile) ?? '').includes(keyId));
    const config = fileBytes(box.configFile) ?? '';
    assert.match(config, /credential_process = .*credential-process default/);
    assert.match(config, /rolegate_role_arn = arn:aws:iam::123456789012:role\/admin/);
    assert.doesNotMatch(config, /^role_arn/m);
    const again = await setup(box, ['--store', 'file']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing changed/);
    assert.deepEqual((await accountListing(box)).users[0]!.keys, [keyId]);
  } finally {
    box.cleanup();
  }
});

test('drift is repaired: a changed trust policy, inline policy, detached policy and profile value', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    assert.equal((await setup(box)).code, 0);
    const reference = await accountListing(box);
    const config = fileBytes(box.configFile);
    await runBoto3(
      `import boto3, json
iam = boto3.client("iam")
open_trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}
iam.update_assume_role_policy(RoleName="admin", PolicyDocument=json.dumps(open_trust))
iam.put_user_policy(UserName="admin", PolicyName="admin", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
iam.detach_role_policy(RoleName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
print(1)`,
      { env: { ...box.env, AWS_PROFILE: 'bootstrap' } },
    );
    writeFileSync(box.configFile, (config ?? '').replace(`mfa_serial = ${SERIAL}`, 'mfa_serial = arn:aws:iam::123456789012:mfa/other'));
    const plan = await setup(box, ['--plan']);
    assert.match(plan.stdout, /~ IAM role admin: differs: trust policy differs: will be replaced/);
    assert.match(plan.stdout, /~ inline policy admin on user admin: differs: will be replaced/);
    assert.match(plan.stdout, /\+ policy AdministratorAccess on role admin: will be attached/);
    assert.match(plan.stdout, /~ profiles default, admin .*: differ: will be updated/);
    const repaired = await setup(box);
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.deepEqual(await accountListing(box), reference);
    assert.equal(fileBytes(box.configFile), config);
  } finally {
    box.cleanup();
  }
});
