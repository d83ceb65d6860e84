/**
 * What a profile asks rolegate for, read from the shared config and credentials files:
 *   session  the profile holds the long-term key (in a store or the credentials file): an MFA
 *            session from GetSessionToken
 *   role     an admin role assumed with such a session, either in setup's store layout
 *            (rolegate_role_arn / rolegate_source_profile, beside credential_process) or in the
 *            guide's layout (role_arn / source_profile / mfa_serial, which the AWS CLI also reads)
 * This module is on the credential-process hot path: it imports only the profile view.
 */
import type { ProfileValues, SharedProfiles } from './profiles.js';
import { resolveProfile } from './profiles.js';
import { badInput } from '../userError.js';
import { isSsoProfile, ssoSpecOf, type SsoSpec } from './ssoSpec.js';
import { isLoginProfile, loginSpecOf, type LoginSpec } from './loginSpec.js';
import { ROLE_CHAIN_KEY, ROLE_CHAINS, type RoleChain } from './roleChain.js';

export type { SsoSpec } from './ssoSpec.js';
export type { LoginSpec } from './loginSpec.js';
// how a role is assumed and for how long: its own module, which the hourly role refresh loads without this parser
export { CHAINED_ROLE_MAX_SECONDS, chainedRoleLimitText, DEFAULT_ROLE_SECONDS, ROLE_CHAIN_KEY, ROLE_CHAINS, roleRequestSeconds, type RoleChain } from './roleChain.js';

export interface SessionSpec {
  /** The profile whose long-term key signs GetSessionToken (the key store entry's name). */
  keyProfile: string;
  mfaSerial: string;
  mfaProcess?: string;
  /** mfaProcess came from rolegate's command line (--mfa-code-command), not from a file. */
  mfaProcessGiven?: boolean;
  /** `rolegate_store` when a profile names its store; otherwise the store is found by looking. */
  storeHint?: string;
  region?: string;
  /** rolegate_session_duration on the profile (seconds), when set. */
  durationSeconds?: number;
  /** rolegate_mfa_prompt: which desktop dialog asks for codes without a terminal (ROLEGATE_MFA_PROMPT wins). */
  mfaPrompt?: string;
}

export interface RoleSpec {
  profile: string;
  layout: 'store' | 'guide';
  chain: RoleChain;
  roleArn: string;
  mfaSerial: string;
  /** mfa_serial as written on this profile itself (what the AWS CLI puts in its cache key). */
  ownMfaSerial?: string;
  durationSeconds?: number;
  roleSessionName?: string;
  externalId?: string;
  region?: string;
  session: SessionSpec;
}

/** A profile holding a key of its own (config or credentials file) and no MFA device: served as it is. */
export interface StaticSpec {
  profile: string;
  /** Which shared file holds the key (the credentials file wins, as in botocore). */
  keyFile: 'config' | 'credentials';
  /** The key is a session key (aws_session_token set): temporary, not long-term. */
  hasSessionToken: boolean;
}

/** `credential_source` values rolegate serves, as the AWS CLI names them. */
export const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] as const;
export type CredentialSourceName = (typeof CREDENTIAL_SOURCES)[number];

/** Where a role profile's signing credentials come from. */
export type RoleBase = { kind: 'profile'; profile: string } | { kind: 'credential_source'; name: CredentialSourceName };

/**
 * A role_arn profile the AWS CLI would resolve itself, whose base is not a key profile of rolegate's
 * MFA-session chain: another role profile (chains of any depth), an SSO, console sign-in, static or
 * credential_process profile, or a credential_source. With mfa_serial, AssumeRole carries
 * SerialNumber and a code; the credentials go in the AWS CLI's cache under botocore's key.
 */
export interface AssumeRoleSpec {
  profile: string;
  roleArn: string;
  base: RoleBase;
  /** mfa_serial of this profile itself (the AWS CLI reads no other for this link). */
  mfaSerial?: string;
  mfaProcess?: string;
  mfaPrompt?: string;
  durationSeconds?: number;
  roleSessionName?: string;
  externalId?: string;
  region?: string;
}

/**
 * role_arn + web_identity_token_file (no source_profile or credential_source): an unsigned
 * AssumeRoleWithWebIdentity with the token file's content, read fresh on every call, as botocore does.
 */
export interface WebIdentitySpec {
  profile: string;
  roleArn: string;
  /** The path as written (botocore opens it as it is, relative to the working directory). */
  tokenFile: string;
  roleSessionName?: string;
  /** Sent as DurationSeconds when set (botocore does not send it, nor key its cache by it). */
  durationSeconds?: number;
  region?: string;
}

/** Another tool's credential_process (not rolegate's own). */
export interface ProcessSpec {
  profile: string;
  /** The command line as written in the profile. */
  command: string;
}

/** What a profile asks rolegate for: one variant per credential source (see src/sources/). */
export type CredentialSpec =
  | { kind: 'session'; profile: string; region?: string; session: SessionSpec }
  | { kind: 'role'; profile: string; region?: string; role: RoleSpec }
  | { kind: 'static'; profile: string; region?: string; static: StaticSpec }
  | { kind: 'assume-role'; profile: string; region?: string; assumeRole: AssumeRoleSpec }
  | { kind: 'process'; profile: string; region?: string; process: ProcessSpec }
  | { kind: 'sso'; profile: string; region?: string; sso: SsoSpec }
  | { kind: 'login'; profile: string; region?: string; login: LoginSpec }
  | { kind: 'web-identity'; profile: string; region?: string; webIdentity: WebIdentitySpec };

/** rolegate's own kinds: a key profile's MFA session, and a role assumed from it. */
export type RolegateSpec = Extract<CredentialSpec, { kind: 'session' | 'role' }>;

function text(values: ProfileValues | undefined, key: string): string | undefined {
  const value = values?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function seconds(values: ProfileValues | undefined, key: string, profile: string): number | undefined {
  const value = text(values, key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw badInput(`${key} of profile ${profile} is not a whole number of seconds: ${value}`, `fix ${key} in your AWS config`);
  return Number(value);
}

/** `{ key: value }` when the value is set, else nothing (keeps specs free of undefined keys). */
function optional<K extends string>(key: K, value: string | undefined): { [k in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [k in K]?: string });
}

function allProfileNames(shared: SharedProfiles): string[] {
  return [...new Set([...shared.config.keys(), ...shared.credentials.keys()])];
}

/**
 * A value (mfa_serial, mfa_process) that the role profiles using a key profile agree on, for a key
 * profile that has none itself (the guide puts mfa_serial on the role profile only).
 */
function valueOfDependents(shared: SharedProfiles, keyProfile: string, key: string): string | undefined {
  const values = new Set<string>();
  for (const name of allProfileNames(shared)) {
    const profile = resolveProfile(shared, name);
    const source = text(profile, 'rolegate_source_profile') ?? text(profile, 'source_profile');
    const value = text(profile, key);
    if (source === keyProfile && value) values.add(value);
  }
  return values.size === 1 ? [...values][0] : undefined;
}

function sessionSpec(shared: SharedProfiles, keyProfile: string, mfaSerial: string | undefined, mfaProcess: string | undefined, asked: string): SessionSpec {
  const values = resolveProfile(shared, keyProfile);
  if (!values) throw badInput(`profile ${asked} takes its key from profile ${keyProfile}, which does not exist`, `add [${keyProfile}] to your AWS config, or run rolegate setup`);
  const serial = mfaSerial ?? text(values, 'mfa_serial') ?? valueOfDependents(shared, keyProfile, 'mfa_serial');
  if (!serial) {
    throw badInput(`profile ${asked} has no mfa_serial, and rolegate only hands out MFA sessions`, `add mfa_serial = arn:aws:iam::ACCOUNT:mfa/NAME to profile ${keyProfile} in your AWS config`);
  }
  return {
    keyProfile,
    mfaSerial: serial,
    mfaProcess: mfaProcess ?? text(values, 'mfa_process') ?? valueOfDependents(shared, keyProfile, 'mfa_process'),
    storeHint: text(values, 'rolegate_store'),
    region: text(values, 'region'),
    durationSeconds: seconds(values, 'rolegate_session_duration', keyProfile),
    ...optional('mfaPrompt', text(values, 'rolegate_mfa_prompt')),
  };
}

/** `rolegate credential-process P`, or the `'node' '.../cli/main.cjs' credential-process P` form setup writes. */
export function isRolegateCommand(command: string): boolean {
  return /(^|[\s'"/])credential-process\s/.test(command) && /rolegate|cli\/main\.c?js/i.test(command);
}

/**
 * A profile whose long-term key rolegate's MFA-session chain can load: a key in the credentials or
 * config file, or one of rolegate's stores (its credential_process, or rolegate_store).
 */
function holdsKey(shared: SharedProfiles, values: ProfileValues): boolean {
  if (text(values, 'role_arn') || text(values, 'rolegate_role_arn') || isSsoProfile(values) || isLoginProfile(values)) return false;
  const command = text(values, 'credential_process');
  return text(values, 'aws_access_key_id') !== undefined || text(values, 'rolegate_store') !== undefined || (command !== undefined && isRolegateCommand(command));
}

/** The source_profile chain from `profile`, refused when it comes back to a profile it passed. */
function assertNoLoop(shared: SharedProfiles, profile: string): void {
  const path = [profile];
  let current = resolveProfile(shared, profile);
  for (;;) {
    if (!text(current, 'role_arn')) return;
    const next = text(current, 'source_profile');
    if (next === undefined) return;
    if (next === path[path.length - 1] && text(current, 'aws_access_key_id')) return; // a role from the profile's own key, as botocore allows
    if (path.includes(next)) {
      const loop = [...path.slice(path.indexOf(next)), next].join(' → ');
      throw badInput(`profile ${profile} cannot be served: its source_profile settings form a loop (${loop})`, `change source_profile of one of ${path.slice(path.indexOf(next)).join(', ')} so the chain ends at a profile with credentials`);
    }
    path.push(next);
    current = resolveProfile(shared, next);
    if (!current) return; // named but missing: the link that needs it says so
  }
}

function assumeRoleSpec(shared: SharedProfiles, profile: string, values: ProfileValues, roleArn: string, region: string | undefined): CredentialSpec {
  const sourceProfile = text(values, 'source_profile');
  const credentialSource = text(values, 'credential_source');
  if (sourceProfile && credentialSource) {
    throw badInput(`profile ${profile} has both source_profile and credential_source; the AWS CLI refuses that too`, `keep one of them on profile ${profile}`);
  }
  let base: RoleBase;
  if (credentialSource !== undefined) {
    if (!(CREDENTIAL_SOURCES as readonly string[]).includes(credentialSource)) {
      throw badInput(`credential_source ${credentialSource} of profile ${profile} is not one rolegate serves`, `use one of ${CREDENTIAL_SOURCES.join(', ')}, or source_profile = <a profile with credentials>`);
    }
    base = { kind: 'credential_source', name: credentialSource as CredentialSourceName };
  } else if (sourceProfile !== undefined) {
    if (!resolveProfile(shared, sourceProfile)) {
      throw badInput(`profile ${profile} takes its credentials from profile ${sourceProfile}, which does not exist`, `add [profile ${sourceProfile}] to your AWS config, or fix source_profile of profile ${profile}`);
    }
    assertNoLoop(shared, profile);
    base = { kind: 'profile', profile: sourceProfile };
  } else {
    throw badInput(`profile ${profile} has a role but no source_profile or credential_source`, `add source_profile = <the profile holding your credentials> to profile ${profile}`);
  }
  const assumeRole: AssumeRoleSpec = { profile, roleArn, base };
  const set = <K extends keyof AssumeRoleSpec>(key: K, value: AssumeRoleSpec[K] | undefined) => {
    if (value !== undefined) assumeRole[key] = value;
  };
  set('mfaSerial', text(values, 'mfa_serial'));
  set('mfaProcess', text(values, 'mfa_process'));
  set('mfaPrompt', text(values, 'rolegate_mfa_prompt'));
  set('durationSeconds', seconds(values, 'duration_seconds', profile));
  set('roleSessionName', text(values, 'role_session_name'));
  set('externalId', text(values, 'external_id'));
  set('region', region);
  return { kind: 'assume-role', profile, region, assumeRole };
}

/** A profile's own credentials when it is neither a role, SSO nor console sign-in: its key, or a command. */
function ownCredentialsSpec(shared: SharedProfiles, profile: string, values: ProfileValues, region: string | undefined): CredentialSpec {
  const fromCredentials = shared.credentials.get(profile);
  const command = text(values, 'credential_process');
  const keyInCredentials = text(fromCredentials, 'aws_access_key_id') !== undefined;
  // botocore's order: credentials-file keys, then credential_process, then config-file keys
  const foreignCommand = !keyInCredentials && command !== undefined && !isRolegateCommand(command);
  if (foreignCommand) return { kind: 'process', profile, region, process: { profile, command } };
  const hasKey = text(values, 'aws_access_key_id') !== undefined;
  const mfaSerial = text(values, 'mfa_serial') ?? valueOfDependents(shared, profile, 'mfa_serial');
  if (hasKey && mfaSerial === undefined && !text(values, 'rolegate_store')) {
    const hasSessionToken = text(values, 'aws_session_token') !== undefined || text(values, 'aws_security_token') !== undefined;
    return { kind: 'static', profile, region, static: { profile, keyFile: keyInCredentials ? 'credentials' : 'config', hasSessionToken } };
  }
  if (!hasKey && command === undefined && !text(values, 'rolegate_store') && mfaSerial === undefined) {
    throw badInput(`profile ${profile} holds no credentials (no key, role, SSO, console sign-in or credential_process)`, `add credentials to profile ${profile}, or pick a profile that has them (rolegate profiles lists them)`);
  }
  const session = sessionSpec(shared, profile, undefined, undefined, profile);
  return { kind: 'session', profile, region, session };
}

export function describeProfile(shared: SharedProfiles, profile: string): CredentialSpec {
  const values = resolveProfile(shared, profile);
  if (!values) throw badInput(`there is no profile named ${profile}`, 'run `rolegate status` or `aws configure list-profiles` to see the profiles you have');
  const region = text(values, 'region');
  const storeRole = text(values, 'rolegate_role_arn');
  const guideRole = text(values, 'role_arn');
  const roleArn = storeRole ?? guideRole;
  if (roleArn) {
    const layout = storeRole ? 'store' : 'guide';
    const tokenFile = text(values, 'web_identity_token_file');
    // botocore's order: a source_profile or credential_source makes it an AssumeRole chain
    if (layout === 'guide' && tokenFile !== undefined && !text(values, 'source_profile') && !text(values, 'credential_source')) {
      const webIdentity: WebIdentitySpec = { profile, roleArn, tokenFile };
      const sessionName = text(values, 'role_session_name');
      const duration = seconds(values, 'duration_seconds', profile);
      if (sessionName !== undefined) webIdentity.roleSessionName = sessionName;
      if (duration !== undefined) webIdentity.durationSeconds = duration;
      if (region !== undefined) webIdentity.region = region;
      return { kind: 'web-identity', profile, region, webIdentity };
    }
    const sourceProfile = text(values, layout === 'store' ? 'rolegate_source_profile' : 'source_profile');
    if (!sourceProfile && layout === 'guide') return assumeRoleSpec(shared, profile, values, roleArn, region);
    if (!sourceProfile) {
      const key = 'rolegate_source_profile';
      throw badInput(`profile ${profile} has a role but no ${key}`, `add ${key} = <the profile holding your key> to profile ${profile}`);
    }
    const sourceValues = resolveProfile(shared, sourceProfile);
    if (layout === 'guide') {
      // rolegate's MFA-session chain serves a role from a key profile with an MFA device (as it always
      // has); every other role_arn profile is a chain of the AWS CLI's kind
      const keySource = sourceValues !== undefined && sourceProfile !== profile && holdsKey(shared, sourceValues);
      const serial = text(values, 'mfa_serial') ?? text(sourceValues, 'mfa_serial') ?? (keySource ? valueOfDependents(shared, sourceProfile, 'mfa_serial') : undefined);
      if (!keySource || serial === undefined || text(values, 'credential_source')) return assumeRoleSpec(shared, profile, values, roleArn, region);
    } else if (text(sourceValues, 'role_arn') || text(sourceValues, 'rolegate_role_arn')) {
      throw badInput(`profile ${profile} chains from another role profile (${sourceProfile}); rolegate assumes roles from the key profile only`, `set the source profile of ${profile} to the profile holding your key`);
    }
    const mfaSerial = text(values, 'mfa_serial') ?? text(sourceValues, 'mfa_serial');
    const chain = text(values, ROLE_CHAIN_KEY) ?? 'session';
    if (!(ROLE_CHAINS as readonly string[]).includes(chain)) {
      throw badInput(`${ROLE_CHAIN_KEY} of profile ${profile} is ${chain}; it is session or direct`, `set ${ROLE_CHAIN_KEY} = direct (or session) on profile ${profile} in your AWS config (rolegate config set can do it)`);
    }
    const session = sessionSpec(shared, sourceProfile, mfaSerial, text(values, 'mfa_process'), profile);
    const ownPrompt = text(values, 'rolegate_mfa_prompt');
    if (ownPrompt) session.mfaPrompt = ownPrompt;
    return {
      kind: 'role',
      profile,
      region: region ?? session.region,
      role: {
        profile,
        layout,
        chain: chain as RoleChain,
        roleArn,
        mfaSerial: session.mfaSerial,
        ownMfaSerial: text(values, 'mfa_serial'),
        durationSeconds: seconds(values, 'duration_seconds', profile),
        roleSessionName: text(values, 'role_session_name'),
        externalId: text(values, 'external_id'),
        region: region ?? session.region,
        session,
      },
    };
  }
  if (isSsoProfile(values)) {
    const sso = ssoSpecOf(shared, profile, values);
    return { kind: 'sso', profile, ...(region !== undefined ? { region } : {}), sso };
  }
  if (isLoginProfile(values)) return { kind: 'login', profile, ...(region !== undefined ? { region } : {}), login: loginSpecOf(profile, values) };
  return ownCredentialsSpec(shared, profile, values, region);
}
