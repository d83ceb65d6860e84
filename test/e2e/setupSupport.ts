// Shared helpers of the setup and teardown end-to-end tests.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { URI } from 'otpauth';
import { nextMfaCode } from '../harness/mfaCodes.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { runBoto3, runRolegate, type RunResult } from '../harness/run.js';

const here = dirname(fileURLToPath(import.meta.url));
const totpCommand = join(here, 'setupTotpCommand.js');

/** A documented example key: moto accepts any key while its access control is off. */
export const BOOTSTRAP_CREDENTIALS = '[bootstrap]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n';

export function setupSandbox(endpoint: string, extraEnv: NodeJS.ProcessEnv = {}): Sandbox {
  const box = makeSandbox({ endpoint, extraEnv: { ROLEGATE_TEST_SKIP_TOTP_WAIT: '1', ...extraEnv } });
  writeFileSync(box.credentialsFile, BOOTSTRAP_CREDENTIALS, { mode: 0o600 });
  return box;
}

/** Where the pairing helper keeps the device's otpauth URI; `name` tells several devices apart. */
export function secretFile(box: Sandbox, name = 'totp-uri'): string {
  return join(box.home, name);
}

/** Flags that pair the device through the helper script instead of a person. */
export function mfaFlags(box: Sandbox, codeMode: 'code' | 'wrong' = 'code', secretName?: string): string[] {
  const file = secretFile(box, secretName);
  return [
    '--mfa-pair-command',
    `'${process.execPath}' '${totpCommand}' pair '${file}'`,
    '--mfa-code-command',
    `'${process.execPath}' '${totpCommand}' ${codeMode} '${file}'`,
  ];
}

/** The next unused code of the device the helper paired (for the AWS CLI's MFA prompt). */
export function nextCode(box: Sandbox, secretName?: string): Promise<string> {
  return nextMfaCode(URI.parse(readFileSync(secretFile(box, secretName), 'utf8').trim()).secret.base32, box.home);
}

export function setup(box: Sandbox, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', ...mfaFlags(box), ...extra], {
    env: { ...box.env, ...env },
    timeoutMs: 120_000,
  });
}

export function fileBytes(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'latin1') : undefined;
}

/** Everything IAM holds that setup could touch, listed through boto3 (not through rolegate). */
export interface AccountListing {
  users: { name: string; tags: Record<string, string>; attached: string[]; inline: Record<string, unknown>; keys: string[]; mfa: string[] }[];
  roles: { name: string; tags: Record<string, string>; trust: unknown; maxSession: number; attached: string[]; inline: string[] }[];
  localPolicies: string[];
  virtualMfa: { serial: string; user: string | null }[];
}

const LISTING = `
import boto3, json
iam = boto3.client("iam")
tags = lambda ts: {t["Key"]: t["Value"] for t in (ts or [])}
users = []
for u in iam.list_users()["Users"]:
    n = u["UserName"]
    users.append({
        "name": n,
        "tags": tags(iam.list_user_tags(UserName=n)["Tags"]),
        "attached": sorted(p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=n)["AttachedPolicies"]),
        "inline": {p: iam.get_user_policy(UserName=n, PolicyName=p)["PolicyDocument"] for p in iam.list_user_policies(UserName=n)["PolicyNames"]},
        "keys": sorted(k["AccessKeyId"] for k in iam.list_access_keys(UserName=n)["AccessKeyMetadata"]),
        "mfa": sorted(d["SerialNumber"] for d in iam.list_mfa_devices(UserName=n)["MFADevices"]),
    })
roles = []
for r in iam.list_roles()["Roles"]:
    n = r["RoleName"]
    full = iam.get_role(RoleName=n)["Role"]
    roles.append({
        "name": n,
        "tags": tags(full.get("Tags")),
        "trust": full["AssumeRolePolicyDocument"],
        "maxSession": full.get("MaxSessionDuration"),
        "attached": sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=n)["AttachedPolicies"]),
        "inline": sorted(iam.list_role_policies(RoleName=n)["PolicyNames"]),
    })
local = sorted(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"])
mfa = sorted(({"serial": d["SerialNumber"], "user": d.get("User", {}).get("UserName")} for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]), key=lambda d: d["serial"])
print(json.dumps({"users": users, "roles": roles, "localPolicies": local, "virtualMfa": mfa}))
`;

/** The listing of the account that `profile` (default: the bootstrap profile) reaches. */
export function accountListing(box: Sandbox, profile = 'bootstrap'): Promise<AccountListing> {
  return runBoto3<AccountListing>(LISTING, { env: { ...box.env, AWS_PROFILE: profile } });
}

/** Mutating IAM/STS calls in a moto request log. */
export function mutations(log: { action: string | null }[]): string[] {
  return log.map((r) => r.action ?? '').filter((a) => /^(Create|Put|Attach|Detach|Tag|Untag|Delete|Update|Enable|Deactivate)/.test(a));
}

export { makeSandbox };
export type { Sandbox };

/**
 * The final state of a plain-store setup as user admin, with the one random part (the key id)
 * checked (one key, stored, working) and replaced by a placeholder: what a clean run and a rerun
 * after a fault must both reach.
 */
export async function finalState(box: Sandbox) {
  const listing = await accountListing(box);
  const keys = listing.users.flatMap((u) => u.keys);
  assert.equal(keys.length, 1, `exactly one access key: ${keys.join(', ')}`);
  const key = keys[0]!;
  const credentials = fileBytes(box.credentialsFile) ?? '';
  assert.ok(credentials.includes(`aws_access_key_id = ${key}`), 'the stored key is the live key');
  const works = await runBoto3<string>('import boto3, json; print(json.dumps(boto3.client("sts").get_caller_identity()["Arn"]))', { env: box.env });
  assert.equal(works, 'arn:aws:iam::123456789012:user/admin');
  return {
    listing: JSON.parse(JSON.stringify(listing).replaceAll(key, 'KEY')),
    config: fileBytes(box.configFile),
    credentials: credentials.replaceAll(key, 'KEY').replace(/aws_secret_access_key = .*/g, 'aws_secret_access_key = SECRET'),
  };
}
