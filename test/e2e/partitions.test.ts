// Partitions and adopted resources, end to end through the strict layer: a whole life (setup,
// verify, exec, rotate, teardown) in us-gov-west-1, where moto serves the aws-us-gov partition; a
// user and role with paths adopted; a teardown that must clear what DeleteUser requires gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { runBoto3, runRolegate } from '../harness/run.js';
import { accountListing, mfaFlags, secretFile, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();
const GOV = { AWS_REGION: 'us-gov-west-1', AWS_DEFAULT_REGION: 'us-gov-west-1', ROLEGATE_FILE_PASSPHRASE: 'example passphrase for tests' };
const totpCommand = join(dirname(fileURLToPath(import.meta.url)), 'setupTotpCommand.js');

/** The profiles' MFA codes come from the test authenticator (the device setup paired). */
function addMfaProcess(box: Sandbox, profiles: string[]): void {
  const command = `'${process.execPath}' '${totpCommand}' code '${secretFile(box)}'`;
  let text = readFileSync(box.configFile, 'utf8');
  for (const profile of profiles) {
    const head = profile === 'default' ? '[default]' : `[profile ${profile}]`;
    text = text.replace(`${head}\n`, `${head}\nmfa_process = ${command}\n`);
  }
  writeFileSync(box.configFile, text, { mode: 0o600 });
}

function profileValue(box: Sandbox, profile: string, key: string): string | undefined {
  const text = readFileSync(box.configFile, 'utf8');
  const head = profile === 'default' ? '[default]' : `[profile ${profile}]`;
  const section = text.split(head)[1]?.split(/\n\[/)[0] ?? '';
  return new RegExp(`^${key} = (.*)$`, 'm').exec(section)?.[1];
}

test('setup, verify, exec, rotate and teardown in us-gov-west-1: aws-us-gov ARNs throughout', async () => {
  const box = setupSandbox(moto.endpoint, GOV);
  const gov = `arn:aws-us-gov:iam::${ACCOUNT_ID}`;
  try {
    const plan = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', '--plan', ...mfaFlags(box)], { env: box.env });
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /policy SecurityAudit on user admin: will be attached/);

    const setup = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', '--yes', ...mfaFlags(box)], { env: box.env, timeoutMs: 120_000 });
    assert.equal(setup.code, 0, setup.stdout + setup.stderr);

    // the files
    assert.equal(profileValue(box, 'default', 'mfa_serial'), `${gov}:mfa/admin`);
    assert.equal(profileValue(box, 'admin', 'rolegate_role_arn'), `${gov}:role/admin`);
    assert.equal(profileValue(box, 'admin', 'mfa_serial'), `${gov}:mfa/admin`);
    assert.equal(profileValue(box, 'admin', 'region'), 'us-gov-west-1');
    assert.doesNotMatch(readFileSync(box.configFile, 'utf8'), /arn:aws:/);

    // IAM, listed in the same partition with boto3
    const listing = await accountListing(box);
    const user = listing.users.find((u) => u.name === 'admin')!;
    assert.deepEqual(user.attached, ['arn:aws-us-gov:iam::aws:policy/SecurityAudit']);
    assert.deepEqual(user.mfa, [`${gov}:mfa/admin`]);
    assert.deepEqual((user.inline.admin as { Statement: { Resource: string }[] }).Statement[0]!.Resource, `${gov}:role/admin`);
    const role = listing.roles.find((r) => r.name === 'admin')!;
    assert.deepEqual(role.attached, ['arn:aws-us-gov:iam::aws:policy/AdministratorAccess']);
    assert.deepEqual((role.trust as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal, { AWS: `${gov}:root` });

    // setup wrote its --mfa-code-command as the profiles' mfa_process (store layout)
    assert.ok(profileValue(box, 'default', 'mfa_process'), readFileSync(box.configFile, 'utf8'));
    const verify = await runRolegate(['verify', '--json', '--mfa-code-command', mfaFlags(box)[3]!], { env: box.env, timeoutMs: 120_000 });
    const report = JSON.parse(verify.stdout || '{}') as { checks?: Array<{ id: string; status: string; reason: string }> };
    assert.ok(report.checks, verify.stdout + verify.stderr);
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    assert.equal(byId.identity?.status, 'pass', verify.stdout + verify.stderr);
    assert.match(byId.identity!.reason, new RegExp(`${gov}:user/admin`));
    assert.equal(byId.elevation?.status, 'pass', verify.stdout + verify.stderr);
    assert.match(byId.elevation!.reason, /arn:aws-us-gov:sts::\d+:assumed-role\/admin\//);
    assert.equal(byId.trustMfa?.status, 'pass', JSON.stringify(byId.trustMfa));

    const exec = await runRolegate(['exec', 'admin', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, timeoutMs: 120_000 });
    assert.equal(exec.code, 0, exec.stdout + exec.stderr);
    assert.match((JSON.parse(exec.stdout) as { Arn: string }).Arn, new RegExp(`^arn:aws-us-gov:sts::${ACCOUNT_ID}:assumed-role/admin/`));

    const rotate = await runRolegate(['rotate', '--yes', '--json'], { env: box.env, timeoutMs: 120_000 });
    assert.equal(rotate.code, 0, rotate.stdout + rotate.stderr);
    const rotated = JSON.parse(rotate.stdout) as { outcome: string; newAccessKeyId: string };
    assert.equal(rotated.outcome, 'rotated');
    assert.deepEqual((await accountListing(box)).users.find((u) => u.name === 'admin')!.keys, [rotated.newAccessKeyId]);
    const read = await runRolegate(['exec', 'default', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, timeoutMs: 60_000 });
    assert.equal(read.code, 0, read.stdout + read.stderr);
    assert.equal((JSON.parse(read.stdout) as { Arn: string }).Arn, `${gov}:user/admin`);

    const teardown = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes'], { env: box.env, timeoutMs: 120_000 });
    assert.equal(teardown.code, 0, teardown.stdout + teardown.stderr);
    assert.match(teardown.stdout, new RegExp(`MFA device ${gov}:mfa/admin: removed`));
    const after = await accountListing(box);
    assert.deepEqual([after.users.map((u) => u.name), after.roles.map((r) => r.name), after.virtualMfa], [[], [], []]);
    assert.equal((await moto.requests()).filter((r) => r.refused).length, 0, 'the strict layer refused nothing');
  } finally {
    box.cleanup();
  }
});

test('a managed policy ARN of another partition is refused before any change, naming the partition', async () => {
  const box = setupSandbox(moto.endpoint, GOV);
  try {
    const result = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', '--yes', '--read-policy', 'arn:aws:iam::aws:policy/SecurityAudit', ...mfaFlags(box)], { env: box.env });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /arn:aws:iam::aws:policy\/SecurityAudit is in partition aws, but account \d+ is in aws-us-gov/);
    assert.deepEqual((await accountListing(box)).users, []);
  } finally {
    box.cleanup();
  }
});

const EXTRAS = `
import boto3, json, subprocess, tempfile, os, datetime
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
iam = boto3.client("iam")
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ssh = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "admin")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256())
iam.create_login_profile(UserName="admin", Password="Example-password-1!")
iam.create_group(GroupName="ops")
iam.add_user_to_group(GroupName="ops", UserName="admin")
iam.upload_ssh_public_key(UserName="admin", SSHPublicKeyBody=ssh)
iam.upload_signing_certificate(UserName="admin", CertificateBody=cert.public_bytes(serialization.Encoding.PEM).decode())
iam.create_service_specific_credential(UserName="admin", ServiceName="codecommit.amazonaws.com")
try:
    iam.delete_user(UserName="admin")
    refused = None
except iam.exceptions.DeleteConflictException as e:
    refused = e.response["Error"]["Message"]
print(json.dumps(refused))
`;

test('teardown of a user with a login profile, a group, an SSH key, a certificate and a service credential passes the DeleteConflict rule', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const setup = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', '--yes', ...mfaFlags(box)], { env: box.env, timeoutMs: 120_000 });
    assert.equal(setup.code, 0, setup.stdout + setup.stderr);
    // what a person added to the user later; the strict layer refuses DeleteUser as AWS does (moto would delete)
    const refused = await runBoto3<string | null>(EXTRAS, { env: { ...box.env, AWS_PROFILE: 'bootstrap' } });
    assert.equal(refused, 'Cannot delete entity, must delete login profile first.');

    const teardown = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes'], { env: box.env, timeoutMs: 120_000 });
    assert.equal(teardown.code, 0, teardown.stdout + teardown.stderr);
    for (const line of [/console password \(login profile\) of user admin: removed/, /membership of user admin in group ops: removed/, /SSH public key \S+ of user admin: removed/, /signing certificate \S+ of user admin: removed/, /service-specific credential \S+ of user admin: removed/, /IAM user admin: removed/]) {
      assert.match(teardown.stdout, line);
    }
    const listing = await accountListing(box);
    assert.deepEqual(listing.users, []);
    const groups = await runBoto3<string[]>('import boto3, json; print(json.dumps([g["GroupName"] for g in boto3.client("iam").list_groups()["Groups"]]))', { env: { ...box.env, AWS_PROFILE: 'bootstrap' } });
    assert.deepEqual(groups, ['ops'], 'the group itself is not setup\'s: it stays');
    const deletes = (await moto.requests()).filter((r) => r.action === 'DeleteUser');
    assert.deepEqual(deletes.map((r) => r.refused ?? 'ok'), ['DeleteConflict', 'ok'], 'only the direct delete before teardown was refused');
  } finally {
    box.cleanup();
  }
});

const PATHED = `
import boto3, json
iam = boto3.client("iam")
iam.create_user(UserName="admin", Path="/team/")
mine = iam.create_access_key(UserName="admin")["AccessKey"]["AccessKeyId"]
iam.put_user_policy(UserName="admin", PolicyName="own", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
iam.create_role(RoleName="admin", Path="/ops/", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}]}))
print(json.dumps(mine))
`;

test('an adopted user and role with paths: their ARNs come from IAM, and teardown keeps them, removing only what setup added', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const ownKey = await runBoto3<string>(PATHED, { env: { ...box.env, AWS_PROFILE: 'bootstrap' } });
    const setup = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', '--yes', '--adopt', '--trust', 'user', ...mfaFlags(box)], { env: box.env, timeoutMs: 120_000 });
    assert.equal(setup.code, 0, setup.stdout + setup.stderr);
    const userArn = `arn:aws:iam::${ACCOUNT_ID}:user/team/admin`;
    const roleArn = `arn:aws:iam::${ACCOUNT_ID}:role/ops/admin`;
    assert.equal(profileValue(box, 'admin', 'role_arn'), roleArn);
    const listing = await accountListing(box);
    const user = listing.users.find((u) => u.name === 'admin')!;
    assert.equal((user.inline.admin as { Statement: { Resource: string }[] }).Statement[0]!.Resource, roleArn);
    const role = listing.roles.find((r) => r.name === 'admin')!;
    assert.deepEqual((role.trust as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal, { AWS: userArn });

    // the setup works: the role is assumed with an MFA code (guide layout, plain store)
    addMfaProcess(box, ['admin']);
    const elevated = await runRolegate(['exec', 'admin', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, timeoutMs: 60_000 });
    assert.equal(elevated.code, 0, elevated.stdout + elevated.stderr);
    assert.match((JSON.parse(elevated.stdout) as { Arn: string }).Arn, /:assumed-role\/admin\//);

    const teardown = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes'], { env: box.env, timeoutMs: 120_000 });
    assert.equal(teardown.code, 0, teardown.stdout + teardown.stderr);
    assert.match(teardown.stdout, /IAM user admin \(adopted by setup: kept/);
    assert.match(teardown.stdout, /IAM role admin \(adopted by setup: kept/);
    const after = await accountListing(box);
    const kept = after.users.find((u) => u.name === 'admin');
    assert.ok(kept, 'the adopted user is kept');
    assert.deepEqual(kept.keys, [ownKey], 'only the key setup created is gone');
    assert.deepEqual(Object.keys(kept.inline), ['own'], 'only the inline policy setup created is gone');
    assert.deepEqual(kept.attached, [], 'the policy setup attached is detached');
    assert.deepEqual(kept.mfa, [], 'the device setup created is gone');
    assert.deepEqual(kept.tags, {}, "rolegate's tags are gone");
    const keptRole = after.roles.find((r) => r.name === 'admin');
    assert.ok(keptRole, 'the adopted role is kept');
    assert.deepEqual([keptRole.attached, keptRole.tags], [[], {}]);
  } finally {
    box.cleanup();
  }
});
