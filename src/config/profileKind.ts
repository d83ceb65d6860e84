// What kind of credentials each profile gives, in botocore's order of precedence, and what is
// risky about it. Used by `rolegate profiles` (and open to the audit).
import { getOwn, type ProfileValues } from './profileMap.js';
import { profileNames, resolveProfile, type SharedProfiles } from './profiles.js';

export type ProfileKind =
  | 'static-long-term'
  | 'static-session'
  | 'role'
  | 'role-mfa'
  | 'rolegate-role'
  | 'rolegate-role-mfa'
  | 'rolegate-session'
  | 'credential-process'
  | 'web-identity'
  | 'sso'
  | 'login'
  | 'settings-only';

export const KIND_LABELS: Record<ProfileKind, string> = {
  'static-long-term': 'static long-term key',
  'static-session': 'static session key',
  role: 'role (no MFA)',
  'role-mfa': 'role with MFA',
  'rolegate-role': 'role via rolegate (no MFA)',
  'rolegate-role-mfa': 'role via rolegate with MFA',
  'rolegate-session': 'key store via rolegate',
  'credential-process': 'credential_process',
  'web-identity': 'web identity role',
  sso: 'SSO',
  login: 'console sign-in (aws login)',
  'settings-only': 'no credentials',
};

export interface ProfileSummary {
  name: string;
  kind: ProfileKind;
  /** The profile (or credential_source) this one takes its credentials from. */
  source: string | undefined;
  region: string | undefined;
  mfaSerial: string | undefined;
  roleArn: string | undefined;
  /** Where a static key sits ('config' or 'credentials'). */
  keyFile: 'config' | 'credentials' | undefined;
  /** One line, when something about the profile is risky. */
  risk: string | undefined;
}

const str = (values: ProfileValues | undefined, key: string): string | undefined => {
  const value = values ? getOwn(values, key) : undefined;
  return typeof value === 'string' ? value : undefined;
};

const ADMIN_LOOKING = /admin|poweruser/i;

/** Where a role profile's credentials finally come from, following source_profile to the chain's end. */
export interface RoleChainBase {
  /** The kind of the profile at the end of the chain (or 'credential-source', 'missing', 'loop'). */
  base: ProfileKind | 'credential-source' | 'missing' | 'loop';
  /** The profile at the end of the chain, when there is one. */
  profile?: string;
  /** A role link below this profile has mfa_serial: its MFA context carries up the chain. */
  mfaBelow: boolean;
}

/**
 * Follows source_profile from role profile `name` (not counting its own mfa_serial). SSO and
 * console sign-in bases do their MFA at the identity provider, which rolegate cannot see.
 */
export function roleChainBase(shared: SharedProfiles, name: string): RoleChainBase {
  const seen = new Set([name]);
  let values = resolveProfile(shared, name);
  let mfaBelow = false;
  for (;;) {
    if (str(values, 'credential_source')) return { base: 'credential-source', mfaBelow };
    const next = str(values, 'source_profile') ?? str(values, 'rolegate_source_profile');
    if (next === undefined) return { base: 'missing', mfaBelow };
    if (next === [...seen].pop() && str(values, 'aws_access_key_id')) return { base: 'static-long-term', profile: next, mfaBelow };
    if (seen.has(next)) return { base: 'loop', mfaBelow };
    seen.add(next);
    const summary = summarize(shared, next);
    if (!summary) return { base: 'missing', profile: next, mfaBelow };
    // a role link with mfa_serial sent a code with its AssumeRole (a key profile's mfa_serial does
    // nothing for the AWS CLI's own chain, so it does not count)
    if (summary.kind !== 'role' && summary.kind !== 'role-mfa' && summary.kind !== 'rolegate-role' && summary.kind !== 'rolegate-role-mfa') return { base: summary.kind, profile: next, mfaBelow };
    if (summary.kind === 'role-mfa' || summary.kind === 'rolegate-role-mfa') mfaBelow = true;
    values = resolveProfile(shared, next);
  }
}

/** Bases whose MFA happens at an identity provider, out of rolegate's sight. */
export const SIGN_IN_BASES: ReadonlySet<string> = new Set(['sso', 'login']);

/** `rolegate credential-process P`, or the `'node' '.../cli/main.cjs' credential-process P` form setup writes. */
function isRolegateCommand(command: string): boolean {
  return /(^|[\s'"/])credential-process\s/.test(command) && /rolegate|cli\/main\.c?js/i.test(command);
}

export function describeProfile(shared: SharedProfiles, name: string): ProfileSummary | undefined {
  const summary = summarize(shared, name);
  if (!summary) return undefined;
  if (summary.kind === 'static-long-term') {
    summary.risk = `long-term access key in plaintext in the ${summary.keyFile} file`;
  } else if (
    (summary.kind === 'role' || summary.kind === 'rolegate-role') &&
    (ADMIN_LOOKING.test(name) || ADMIN_LOOKING.test(summary.roleArn ?? ''))
  ) {
    // MFA given at a link below (its context carries) or at an identity provider is no risk here
    const chain = roleChainBase(shared, name);
    if (!chain.mfaBelow && !SIGN_IN_BASES.has(chain.base)) summary.risk = 'admin-looking role without mfa_serial';
  }
  return summary;
}

/** The kind and source of a profile, without judging it (roleChainBase walks chains with it). */
function summarize(shared: SharedProfiles, name: string): ProfileSummary | undefined {
  const values = resolveProfile(shared, name);
  if (!values) return undefined;
  const fromCredentials = shared.credentials.get(name);
  const get = (key: string) => str(values, key);
  const roleArn = get('role_arn');
  const rolegateRoleArn = get('rolegate_role_arn');
  const process = get('credential_process');
  const mfaSerial = get('mfa_serial');
  const summary: ProfileSummary = {
    name,
    kind: 'settings-only',
    source: undefined,
    region: get('region'),
    mfaSerial,
    roleArn: roleArn ?? rolegateRoleArn,
    keyFile: undefined,
    risk: undefined,
  };
  const staticKind = (): ProfileKind =>
    get('aws_session_token') || get('aws_security_token') || get('aws_access_key_id')?.startsWith('ASIA') ? 'static-session' : 'static-long-term';

  // botocore's chain for a named profile: assume role, web identity, SSO, credentials-file keys,
  // credential_process, config-file keys
  if (roleArn && !get('web_identity_token_file')) {
    summary.kind = mfaSerial ? 'role-mfa' : 'role';
    summary.source = get('source_profile') ?? get('credential_source');
  } else if (roleArn) {
    summary.kind = 'web-identity';
  } else if (get('sso_session') || get('sso_start_url')) {
    summary.kind = 'sso';
    summary.source = get('sso_session');
  } else if (get('login_session')) {
    summary.kind = 'login';
  } else if (str(fromCredentials, 'aws_access_key_id')) {
    summary.kind = staticKind();
    summary.keyFile = 'credentials';
  } else if (process && rolegateRoleArn) {
    summary.kind = mfaSerial ? 'rolegate-role-mfa' : 'rolegate-role';
    summary.source = get('rolegate_source_profile');
  } else if (process) {
    summary.kind = isRolegateCommand(process) ? 'rolegate-session' : 'credential-process';
  } else if (get('aws_access_key_id')) {
    summary.kind = staticKind();
    summary.keyFile = 'config';
  }

  return summary;
}

/** Every profile botocore knows (config file first, then credentials-only ones). */
export function describeProfiles(shared: SharedProfiles): ProfileSummary[] {
  return profileNames(shared).map((name) => describeProfile(shared, name)!);
}
