/**
 * Builds, with boto3 (not rolegate), the account state `rolegate setup` creates, and writes the
 * guide-layout profiles for it into a sandbox. Shared by the verify and audit end-to-end tests.
 *
 * moto matches trust-policy principals literally (an account-root principal does not admit a user
 * of that account), so with access control on, the fixture's trust policy names the user ARN, as
 * `rolegate setup --trust user` does; `trust: 'account'` gives the guide's account-wide form.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID } from '../harness/moto.js';
import { PYTHON_MFA_HELPERS, nextMfaCode } from '../harness/mfaCodes.js';
import { runBoto3 } from '../harness/run.js';
import type { Sandbox } from '../harness/sandbox.js';

export interface AccountFixture {
  accessKeyId: string;
  secretAccessKey: string;
  serial: string;
  seed: string;
  userArn: string;
  roleArn: string;
}

export const USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/admin`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/admin`;

/** The setup layout: user admin (SecurityAudit + inline `admin`), virtual MFA enabled, role admin, one key. */
export async function buildSetupAccount(box: Sandbox, options: { trust?: 'user' | 'account' } = {}): Promise<AccountFixture> {
  const principal = options.trust === 'account' ? `arn:aws:iam::${ACCOUNT_ID}:root` : USER_ARN;
  const code = `
import boto3, json, base64
${PYTHON_MFA_HELPERS}
iam = boto3.client("iam")
tags = [{"Key": "managed-by", "Value": "rolegate"}]
mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
iam.create_user(UserName="admin", Tags=tags)
iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
iam.put_user_policy(UserName="admin", PolicyName="admin", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "${ROLE_ARN}", "Condition": mfa}]}))
dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="admin", Tags=tags)["VirtualMFADevice"]
enable_mfa(iam, "admin", dev["SerialNumber"], dev["Base32StringSeed"])
iam.create_role(RoleName="admin", Tags=tags, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "${principal}"}, "Action": "sts:AssumeRole", "Condition": mfa}]}))
iam.attach_role_policy(RoleName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
key = iam.create_access_key(UserName="admin")["AccessKey"]
seed = dev["Base32StringSeed"]
print(json.dumps({"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"], "serial": dev["SerialNumber"],
  "seed": seed.decode() if isinstance(seed, bytes) else seed}))
`;
  const made = await runBoto3<Omit<AccountFixture, 'userArn' | 'roleArn'>>(code, { env: bootstrapEnv(box) });
  return { ...made, userArn: USER_ARN, roleArn: ROLE_ARN };
}

/** The sandbox's environment with a bootstrap key moto accepts while access control is off. */
export function bootstrapEnv(box: Sandbox): NodeJS.ProcessEnv {
  return { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap-example-secret' };
}

/** Runs a boto3 snippet as the bootstrap identity (to break the fixture in one way). */
export function asBootstrap(box: Sandbox, code: string): Promise<unknown> {
  return runBoto3(`import boto3, json\niam = boto3.client("iam")\n${code}\nprint("null")`, { env: bootstrapEnv(box) });
}

/** Guide layout (`--store plain`): the key in the credentials file, the admin profile assumes the role. */
export function writeGuideProfiles(box: Sandbox, account: AccountFixture): void {
  writeFileSync(box.configFile, `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = ${account.roleArn}\nsource_profile = default\nmfa_serial = ${account.serial}\nregion = us-east-1\n`, { mode: 0o600 });
  writeFileSync(box.credentialsFile, `[default]\naws_access_key_id = ${account.accessKeyId}\naws_secret_access_key = ${account.secretAccessKey}\n`, { mode: 0o600 });
}

/** A file holding the device's next unused TOTP code, and a command that prints it (no secret in argv). */
export async function mfaCodeCommand(box: Sandbox, account: AccountFixture): Promise<string> {
  const file = join(box.home, 'mfa-code');
  writeFileSync(file, `${await nextMfaCode(account.seed, box.home)}\n`, { mode: 0o600 });
  return `cat '${file}'`;
}
