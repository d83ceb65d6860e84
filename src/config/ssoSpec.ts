/**
 * What an IAM Identity Center (SSO) profile asks for, read from the shared config file: either a
 * profile naming `sso_session` (its `[sso-session NAME]` section holds `sso_start_url`, `sso_region`
 * and `sso_registration_scopes`), or a legacy profile with `sso_start_url` and `sso_region` on the
 * profile itself; both with `sso_account_id` and `sso_role_name`.
 * Owned by the sso source (src/sources/ssoSource.ts) once the sources interface has landed.
 */
import { getOwn, type ProfileValues } from './profileMap.js';
import type { SharedProfiles } from './profiles.js';
import { badInput } from '../userError.js';

export interface SsoSpec {
  /** The profile asked for. */
  profile: string;
  /** `sso_session` of the profile (the `[sso-session NAME]` section); absent for a legacy profile. */
  sessionName?: string;
  /** The AWS access portal URL: the sso-session's `sso_start_url`, else the legacy profile's. */
  startUrl: string;
  /** The Identity Center region: the sso-session's `sso_region`, else the legacy profile's. */
  ssoRegion: string;
  /** `sso_registration_scopes` of the sso-session, split at commas (absent when not set). */
  registrationScopes?: string[];
  /** `sso_account_id` of the profile. */
  accountId: string;
  /** `sso_role_name` of the profile (the permission set's role). */
  roleName: string;
  /** The profile's `region` (where its AWS calls go), when set. */
  region?: string;
}

function text(values: ProfileValues | undefined, key: string): string | undefined {
  const value = values ? getOwn(values, key) : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Whether a profile's values make it an SSO profile (as botocore decides: sso_session or sso_start_url). */
export function isSsoProfile(values: ProfileValues | undefined): boolean {
  return text(values, 'sso_session') !== undefined || text(values, 'sso_start_url') !== undefined || text(values, 'sso_account_id') !== undefined;
}

/** The SsoSpec of `profile`, whose resolved values are `values`; missing settings are bad input naming the key. */
export function ssoSpecOf(shared: SharedProfiles, profile: string, values: ProfileValues): SsoSpec {
  const sessionName = text(values, 'sso_session');
  let startUrl = text(values, 'sso_start_url');
  let ssoRegion = text(values, 'sso_region');
  let scopes: string | undefined;
  if (sessionName !== undefined) {
    const session = shared.ssoSessions?.get(sessionName);
    if (!session) throw badInput(`profile ${profile} names sso_session ${sessionName}, and there is no [sso-session ${sessionName}] section`, `add [sso-session ${sessionName}] with sso_start_url and sso_region to your AWS config (aws configure sso can write it)`);
    startUrl = text(session, 'sso_start_url') ?? startUrl;
    ssoRegion = text(session, 'sso_region') ?? ssoRegion;
    scopes = text(session, 'sso_registration_scopes');
  }
  const where = sessionName !== undefined ? `[sso-session ${sessionName}]` : `profile ${profile}`;
  if (!startUrl) throw badInput(`${where} has no sso_start_url`, `add sso_start_url = https://YOUR-PORTAL.awsapps.com/start to ${where}`);
  if (!ssoRegion) throw badInput(`${where} has no sso_region`, `add sso_region = REGION (the Identity Center region) to ${where}`);
  const accountId = text(values, 'sso_account_id');
  const roleName = text(values, 'sso_role_name');
  if (!accountId) throw badInput(`SSO profile ${profile} has no sso_account_id`, `add sso_account_id = ACCOUNT to profile ${profile} (aws configure sso can write it)`);
  if (!roleName) throw badInput(`SSO profile ${profile} has no sso_role_name`, `add sso_role_name = ROLE to profile ${profile} (aws configure sso can write it)`);
  const region = text(values, 'region');
  const registrationScopes = scopes
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    profile,
    ...(sessionName !== undefined ? { sessionName } : {}),
    startUrl,
    ssoRegion,
    ...(registrationScopes && registrationScopes.length > 0 ? { registrationScopes } : {}),
    accountId,
    roleName,
    ...(region !== undefined ? { region } : {}),
  };
}
