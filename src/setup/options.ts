import { badInput } from '../userError.js';
import type { TrustScope } from '../policy/trustPolicy.js';
import type { StoreKind } from '../keys/keyStore.js';
import type { RoleChain } from '../config/profileSpec.js';

export type { StoreKind, RoleChain };

/** Everything `rolegate setup` is asked to reach; names are validated before any AWS call. */
export interface SetupOptions {
  userName: string;
  roleName: string;
  policyName: string;
  readPolicy: string;
  adminPolicy: string;
  /** The role's MaxSessionDuration. */
  roleDuration: number;
  /** How the admin profile assumes the role (see RoleChain): session sessions last at most 1 h. */
  roleChain: RoleChain;
  trust: TrustScope;
  store: StoreKind;
  region: string;
  /** --region was given: it overrides the region a target profile (or [default]) already has. */
  regionGiven?: boolean;
  readProfile: string;
  adminProfile: string;
  bootstrapProfile?: string;
  adopt: boolean;
  /** Replace a key another setup stored under the read profile, deleting it in IAM once ours works. */
  replaceKey?: boolean;
  deleteRootKeys: boolean;
  yes: boolean;
  mfaPairCommand?: string;
  mfaCodeCommand?: string;
  /** What holds the new MFA device's seed: an authenticator app (QR code, or the pair commands), or a YubiKey. */
  mfaDevice?: MfaDeviceKind;
  /** --mfa-device yubikey: which key (ykman --device SERIAL), and whether each code needs a touch. */
  yubikeySerial?: string;
  yubikeyTouch?: boolean;
  /** Replace the enabled MFA device setup created with a new one, paired anew. */
  rePair?: boolean;
  /**
   * What the read-only identity signs in with: `key` (an access key in a store, the default) or
   * `console` (no long-term key: a console password and the MFA device, used through `aws login`).
   */
  identity?: IdentityKind;
}

export type IdentityKind = 'key' | 'console';
export const IDENTITY_KINDS: readonly IdentityKind[] = ['key', 'console'];

export type MfaDeviceKind = 'app' | 'yubikey';

/** --yubikey-serial: the serial ykman lists (digits). */
export function checkYubikeySerial(value: string): string {
  if (!/^\d{1,10}$/.test(value)) throw badInput(`invalid YubiKey serial ${JSON.stringify(value)}`, 'pass the serial `ykman list --serials` prints with --yubikey-serial');
  return value;
}

export const SETUP_DEFAULTS = {
  userName: 'admin',
  roleName: 'admin',
  policyName: 'admin',
  readPolicy: 'SecurityAudit',
  adminPolicy: 'AdministratorAccess',
  roleDuration: 3600,
  roleChain: 'session' as RoleChain,
  trust: 'account' as TrustScope,
  store: 'keychain' as StoreKind,
  readProfile: 'default',
  adminProfile: 'admin',
};

const IAM_NAME = /^[\w+=,.@-]+$/;

/** IAM user, role and policy names: letters, digits and `+=,.@_-`, with a length limit. */
export function checkIamName(kind: string, flag: string, value: string, max: number): string {
  if (value.length === 0 || value.length > max || !IAM_NAME.test(value)) {
    throw badInput(
      `invalid ${kind} name ${JSON.stringify(value)}: IAM allows 1-${max} characters of letters, digits and + = , . @ _ -`,
      `pass a valid name with ${flag}`,
    );
  }
  return value;
}

export function checkPolicyRef(flag: string, value: string): string {
  if (/^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/.test(value) || /^[\w+=,.@/-]{1,128}$/.test(value)) return value;
  throw badInput(`invalid managed policy ${JSON.stringify(value)}`, `pass a managed policy name (SecurityAudit) or ARN with ${flag}`);
}

export function checkProfileName(flag: string, value: string): string {
  if (value.length === 0 || /[\s[\]]/.test(value)) {
    throw badInput(`invalid profile name ${JSON.stringify(value)}: no spaces or brackets`, `pass another name with ${flag}`);
  }
  return value;
}

export function checkRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) {
    throw badInput(`invalid region ${JSON.stringify(value)}`, 'pass a region such as us-east-1 with --region');
  }
  return value;
}

/** --role-duration: seconds, or a duration such as 12h; IAM allows 1 to 12 hours. */
export function checkRoleDuration(value: string | number): number {
  const seconds = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : durationSeconds(value);
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
    throw badInput(`invalid role duration ${JSON.stringify(String(value))}: IAM allows 3600 to 43200 seconds (1h to 12h)`, 'pass it with --role-duration, e.g. 3600 or 12h');
  }
  return seconds;
}

function durationSeconds(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  return match && text.trim() ? Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0) : NaN;
}

export function checkChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw badInput(`invalid value ${JSON.stringify(value)} for ${flag}`, `use one of: ${choices.join(', ')}`);
}
