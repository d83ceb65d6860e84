import { CHAINED_ROLE_MAX_SECONDS, ROLE_CHAIN_KEY, type RoleChain } from '../config/profileSpec.js';
import type { StoreKind } from './options.js';

/**
 * The profiles setup writes (see /tmp/rolegate-helpers.md): the guide layout for `--store plain`,
 * which the AWS CLI and SDKs understand natively, and the store layout (credential_process) for a
 * key kept outside ~/.aws. Pure: the config file's profiles as maps of key → value.
 */
export interface ProfileLayoutInput {
  store: StoreKind;
  region: string;
  readProfile: string;
  adminProfile: string;
  roleArn: string;
  mfaSerial: string;
  /** The role's MaxSessionDuration. */
  roleDuration: number;
  roleChain: RoleChain;
  /** credentialProcessCommand from src/credentials (needed for the store layout only). */
  credentialProcess?: (profile: string) => string;
  /** The command that prints an MFA code (--mfa-device yubikey), for every profile that names mfa_serial. */
  mfaProcess?: string;
  /**
   * --identity console: the read profile is a console sign-in (`login_session` = the user's ARN,
   * which `aws login` keys its cache with), and the admin profile assumes the role from it with an
   * MFA code, as the AWS CLI and the SDKs do for role_arn + source_profile + mfa_serial.
   */
  consoleUserArn?: string;
}

export type ProfileLayout = Map<string, Record<string, string>>;

/** Every key setup may write into a profile; what it removes again on teardown or a layout change. */
export const LAYOUT_KEYS = [
  'region',
  'login_session',
  'role_arn',
  'source_profile',
  'mfa_serial',
  'duration_seconds',
  'credential_process',
  'rolegate_role_arn',
  'rolegate_source_profile',
  'rolegate_store',
  ROLE_CHAIN_KEY,
] as const;

/**
 * Keys setup writes only when asked (mfa_process, for --mfa-device yubikey), and never removes on a
 * run that was not asked: a person's own mfa_process is theirs. Teardown treats them as layout keys
 * where the record says setup wrote them.
 */
export const OPTIONAL_LAYOUT_KEYS = ['mfa_process'] as const;

/** Keys that hold a long-term key in the credentials file. */
export const STATIC_KEY_KEYS = ['aws_access_key_id', 'aws_secret_access_key'] as const;

/**
 * The admin profile's role sessions: in the session chain at most 1 hour whatever the role allows
 * (AWS refuses more for a role assumed with temporary credentials), so no duration_seconds; in the
 * direct chain the role's full duration.
 */
export function roleSessionSeconds(input: Pick<ProfileLayoutInput, 'roleDuration' | 'roleChain'>): number {
  return input.roleChain === 'direct' ? input.roleDuration : Math.min(input.roleDuration, CHAINED_ROLE_MAX_SECONDS);
}

/** One line for the plan: which chain the admin profile uses, and what its role sessions last. */
export function roleChainSummary(input: Pick<ProfileLayoutInput, 'roleDuration' | 'roleChain' | 'adminProfile'>): string {
  const hours = (s: number) => `${+(s / 3600).toFixed(2)} h`;
  if (input.roleChain === 'direct') {
    return `${input.adminProfile} assumes the role with the stored key and an MFA code (direct chain): role sessions of ${hours(input.roleDuration)}, one MFA code each`;
  }
  const capped = input.roleDuration > CHAINED_ROLE_MAX_SECONDS ? ` (the role allows ${hours(input.roleDuration)}, but AWS limits a role assumed with the MFA session to 1 h; --role-chain direct uses the full length, one MFA code per role session)` : '';
  return `${input.adminProfile} assumes the role with the day's MFA session (session chain): role sessions of 1 h, renewed without a new code${capped}`;
}

export function profileLayout(input: ProfileLayoutInput): ProfileLayout {
  const seconds = roleSessionSeconds(input);
  const duration: Record<string, string> = {
    ...(input.roleChain === 'direct' ? { [ROLE_CHAIN_KEY]: 'direct' } : {}),
    ...(seconds === 3600 ? {} : { duration_seconds: String(seconds) }),
  };
  const layout = baseLayout(input, duration);
  if (input.mfaProcess) for (const wanted of layout.values()) if (wanted.mfa_serial !== undefined) wanted.mfa_process = input.mfaProcess;
  return layout;
}

function baseLayout(input: ProfileLayoutInput, duration: Record<string, string>): ProfileLayout {
  const layout: ProfileLayout = new Map();
  if (input.consoleUserArn !== undefined) {
    layout.set(input.readProfile, { region: input.region, login_session: input.consoleUserArn });
    // role chaining from the console credentials: AWS caps the role session at 1 hour
    layout.set(input.adminProfile, { role_arn: input.roleArn, source_profile: input.readProfile, mfa_serial: input.mfaSerial, region: input.region });
    return layout;
  }
  if (input.store === 'plain') {
    layout.set(input.readProfile, { region: input.region });
    layout.set(input.adminProfile, {
      role_arn: input.roleArn,
      source_profile: input.readProfile,
      mfa_serial: input.mfaSerial,
      region: input.region,
      ...duration,
    });
    return layout;
  }
  const command = input.credentialProcess;
  if (!command) throw new Error('the store layout needs credentialProcessCommand');
  layout.set(input.readProfile, {
    region: input.region,
    credential_process: command(input.readProfile),
    mfa_serial: input.mfaSerial,
    // which store holds the key: teardown and credential-process read it, never guess
    rolegate_store: input.store,
  });
  layout.set(input.adminProfile, {
    region: input.region,
    credential_process: command(input.adminProfile),
    rolegate_role_arn: input.roleArn,
    rolegate_source_profile: input.readProfile,
    mfa_serial: input.mfaSerial,
    ...duration,
  });
  return layout;
}

export interface ProfileChange {
  profile: string;
  set: Record<string, string>;
  unset: string[];
}

/**
 * What must change in the config file to reach `layout`: values that differ or are missing, and
 * layout keys that another layout left behind. Keys rolegate never writes are not touched.
 */
export function profileChanges(layout: ProfileLayout, current: (profile: string) => Record<string, unknown> | undefined): ProfileChange[] {
  const changes: ProfileChange[] = [];
  for (const [profile, wanted] of layout) {
    const have = current(profile) ?? {};
    const set: Record<string, string> = {};
    for (const [key, value] of Object.entries(wanted)) if (have[key] !== value) set[key] = value;
    const unset = LAYOUT_KEYS.filter((key) => !(key in wanted) && key in have);
    if (Object.keys(set).length || unset.length) changes.push({ profile, set, unset });
  }
  return changes;
}
