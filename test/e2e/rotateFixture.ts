/**
 * The state `rolegate setup` leaves, built directly with boto3 so the rotate tests do not depend on
 * setup: user `admin` (SecurityAudit) with a virtual MFA device and one access key, role `admin`
 * (AdministratorAccess) that trusts the user with MFA, profiles in the guide layout (`plain`) or the
 * store layout (`file`), and an `mfa_process` script that prints a TOTP code from the device's seed
 * (the seed is kept in the sandbox as an authenticator app would keep it; rolegate never sees it).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID } from '../harness/moto.js';
import { PYTHON_MFA_HELPERS } from '../harness/mfaCodes.js';
import { outputRoot } from '../harness/paths.js';
import { runAws, runBoto3 } from '../harness/run.js';
import type { Sandbox } from '../harness/sandbox.js';

export interface Key {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RotateAccount {
  key: Key;
  serial: string;
}

const BOOTSTRAP = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap-example' };

const BUILD = `
import boto3, json
${PYTHON_MFA_HELPERS}
iam = boto3.client('iam')
iam.create_user(UserName='admin')
iam.attach_user_policy(UserName='admin', PolicyArn='arn:aws:iam::aws:policy/SecurityAudit')
trust = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::${ACCOUNT_ID}:user/admin'},
         'Action': 'sts:AssumeRole', 'Condition': {'Bool': {'aws:MultiFactorAuthPresent': 'true'}}}]}
iam.create_role(RoleName='admin', AssumeRolePolicyDocument=json.dumps(trust))
iam.attach_role_policy(RoleName='admin', PolicyArn='arn:aws:iam::aws:policy/AdministratorAccess')
device = iam.create_virtual_mfa_device(VirtualMFADeviceName='admin')['VirtualMFADevice']
enable_mfa(iam, 'admin', device['SerialNumber'], device['Base32StringSeed'])
key = iam.create_access_key(UserName='admin')['AccessKey']
seed = device['Base32StringSeed']
print(json.dumps({'serial': device['SerialNumber'], 'seed': seed.decode() if isinstance(seed, bytes) else seed,
                  'accessKeyId': key['AccessKeyId'], 'secretAccessKey': key['SecretAccessKey']}))
`;

/** The authenticator: prints the device's next unused code (mfaCodes.ts; the strict layer refuses a reused one). */
function totpScript(seedFile: string, home: string): string {
  const codes = join(outputRoot, 'test', 'harness', 'mfaCodes.js');
  return `import { readFileSync } from 'node:fs';
import { nextMfaCode } from ${JSON.stringify(codes)};
process.stdout.write((await nextMfaCode(readFileSync(${JSON.stringify(seedFile)}, 'utf8').trim(), ${JSON.stringify(home)})) + '\\n');
`;
}

/** Creates the account state and the guide-layout profiles (key in the credentials file). */
export async function buildPlainAccount(box: Sandbox): Promise<RotateAccount> {
  const built = await runBoto3<Key & { serial: string; seed: string }>(BUILD, { env: { ...box.env, ...BOOTSTRAP } });
  const mfaProcess = writeTotpScript(box, built.seed);
  writeFileSync(
    box.configFile,
    `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = arn:aws:iam::${ACCOUNT_ID}:role/admin\nsource_profile = default\n` +
      `mfa_serial = ${built.serial}\nmfa_process = ${mfaProcess}\nregion = us-east-1\n`,
  );
  writeFileSync(box.credentialsFile, `[default]\naws_access_key_id = ${built.accessKeyId}\naws_secret_access_key = ${built.secretAccessKey}\n`, {
    mode: 0o600,
  });
  return { key: { accessKeyId: built.accessKeyId, secretAccessKey: built.secretAccessKey }, serial: built.serial };
}

/** Creates the account state, stores the key with `save` (the file store), and writes the store layout. */
export async function buildStoreAccount(
  box: Sandbox,
  save: (key: Key) => Promise<void>,
  credentialProcess: (profile: string) => string,
): Promise<RotateAccount> {
  const built = await runBoto3<Key & { serial: string; seed: string }>(BUILD, { env: { ...box.env, ...BOOTSTRAP } });
  const mfaProcess = writeTotpScript(box, built.seed);
  const key = { accessKeyId: built.accessKeyId, secretAccessKey: built.secretAccessKey };
  await save(key);
  writeFileSync(
    box.configFile,
    `[default]\nregion = us-east-1\ncredential_process = ${credentialProcess('default')}\nmfa_serial = ${built.serial}\nmfa_process = ${mfaProcess}\n\n` +
      `[profile admin]\nregion = us-east-1\ncredential_process = ${credentialProcess('admin')}\n` +
      `rolegate_role_arn = arn:aws:iam::${ACCOUNT_ID}:role/admin\nrolegate_source_profile = default\nmfa_serial = ${built.serial}\nmfa_process = ${mfaProcess}\n`,
  );
  return { key, serial: built.serial };
}

function writeTotpScript(box: Sandbox, seed: string): string {
  const seedFile = join(box.home, 'authenticator-seed.txt');
  const script = join(box.home, 'totp.mjs');
  writeFileSync(seedFile, seed + '\n', { mode: 0o600 });
  writeFileSync(script, totpScript(seedFile, box.home));
  return `${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`;
}

/** The key in the sandbox's credentials file ([default]). */
export function plainStoredKey(box: Sandbox): Key | undefined {
  if (!existsSync(box.credentialsFile)) return undefined;
  const text = readFileSync(box.credentialsFile, 'utf8');
  const id = /^aws_access_key_id\s*=\s*(\S+)/m.exec(text)?.[1];
  const secret = /^aws_secret_access_key\s*=\s*(\S+)/m.exec(text)?.[1];
  return id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined;
}

export interface KeyMetadata {
  AccessKeyId: string;
  Status: string;
}

/** The user's keys, read with boto3 (not through rolegate). */
export async function listKeys(box: Sandbox): Promise<KeyMetadata[]> {
  return runBoto3<KeyMetadata[]>(
    `import boto3, json; print(json.dumps([{'AccessKeyId': k['AccessKeyId'], 'Status': k['Status']} for k in boto3.client('iam').list_access_keys(UserName='admin')['AccessKeyMetadata']]))`,
    { env: { ...box.env, ...BOOTSTRAP } },
  );
}

/** In one boto3 process: who the sandbox's files authenticate as, and the user's keys. */
export async function accountView(box: Sandbox): Promise<{ arn: string; keys: KeyMetadata[] }> {
  return runBoto3(
    `import boto3, json
arn = boto3.client('sts').get_caller_identity()['Arn']
iam = boto3.client('iam', aws_access_key_id='${BOOTSTRAP.AWS_ACCESS_KEY_ID}', aws_secret_access_key='${BOOTSTRAP.AWS_SECRET_ACCESS_KEY}')
keys = [{'AccessKeyId': k['AccessKeyId'], 'Status': k['Status']} for k in iam.list_access_keys(UserName='admin')['AccessKeyMetadata']]
print(json.dumps({'arn': arn, 'keys': keys}))`,
    { env: box.env },
  );
}

/** Who the real AWS CLI says a key is (the key goes in through the environment, never argv). */
export async function cliIdentity(box: Sandbox, key?: Key): Promise<{ code: number | null; arn?: string; stderr: string }> {
  const env = key ? { ...box.env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey } : box.env;
  const result = await runAws(['sts', 'get-caller-identity', '--output', 'json'], { env });
  return { code: result.code, stderr: result.stderr, arn: result.code === 0 ? (JSON.parse(result.stdout) as { Arn: string }).Arn : undefined };
}

export const USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/admin`;
