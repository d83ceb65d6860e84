/**
 * What an IAM Identity Center profile names, read the way botocore reads it (SSOProvider,
 * SSOTokenProvider): `sso_session` pointing at `[sso-session NAME]` (`sso_start_url`,
 * `sso_region`, `sso_registration_scopes`), or the legacy `sso_start_url` / `sso_region` on the
 * profile itself; `sso_account_id` and `sso_role_name` on the profile.
 */
import type { ProfileValues, SharedProfiles } from '../../config/profiles.js';
import { resolveProfile } from '../../config/profiles.js';
import { getOwn } from '../../config/profileMap.js';
import { badInput } from '../../userError.js';
import { quotePosix } from '../../shellQuote.js';

/** One sign-in: a named `[sso-session]`, or (legacy) a start URL with no name. */
export interface SsoSession {
  /** The `[sso-session NAME]`; absent for a legacy profile. */
  name?: string;
  startUrl: string;
  region: string;
  /** `sso_registration_scopes`, split on commas (sso-session only). */
  scopes?: string[];
}

/** What GetRoleCredentials is asked for, and through which sign-in. */
export interface SsoTarget {
  profile: string;
  session: SsoSession;
  accountId: string;
  roleName: string;
  /** The profile's `region`, for the credentials handed out. */
  region?: string;
}

function text(values: ProfileValues | undefined, key: string): string | undefined {
  if (!values) return undefined;
  const value = getOwn(values, key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The `[sso-session NAME]` section as a session; a UserError naming what is missing. */
export function namedSsoSession(shared: SharedProfiles, name: string): SsoSession {
  const section = shared.ssoSessions?.get(name);
  if (!section) throw badInput(`there is no [sso-session ${name}] section in the config file`, `add it (sso_start_url, sso_region), or run \`aws configure sso-session\``);
  const startUrl = text(section, 'sso_start_url');
  const region = text(section, 'sso_region');
  const missing = [startUrl ? undefined : 'sso_start_url', region ? undefined : 'sso_region'].filter(Boolean);
  if (missing.length) throw badInput(`[sso-session ${name}] has no ${missing.join(' or ')}`, `add ${missing.join(' and ')} to [sso-session ${name}] in the config file`);
  const scopes = text(section, 'sso_registration_scopes')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { name, startUrl: startUrl!, region: region!, ...(scopes?.length ? { scopes } : {}) };
}

/** The sign-in a profile uses (sso_session, else legacy sso_start_url), or undefined when it names none. */
export function profileSsoSession(shared: SharedProfiles, profile: string): SsoSession | undefined {
  const values = resolveProfile(shared, profile);
  if (!values) throw badInput(`there is no profile ${profile} in the shared config or credentials file`, 'run `rolegate profiles` to list them');
  const sessionName = text(values, 'sso_session');
  if (sessionName !== undefined) {
    const session = namedSsoSession(shared, sessionName);
    // botocore refuses a profile whose own sso_start_url / sso_region contradict its session
    for (const [key, value] of [['sso_start_url', session.startUrl], ['sso_region', session.region]] as const) {
      const own = text(values, key);
      if (own !== undefined && own !== value) throw badInput(`profile ${profile} sets ${key} = ${own}, but [sso-session ${sessionName}] sets ${value}`, `remove ${key} from profile ${profile}`);
    }
    return session;
  }
  const startUrl = text(values, 'sso_start_url');
  if (startUrl === undefined) return undefined;
  const region = text(values, 'sso_region');
  if (!region) throw badInput(`profile ${profile} has sso_start_url but no sso_region`, `add sso_region to profile ${profile}`);
  return { startUrl, region };
}

/** The profile's account and role through its sign-in; a UserError when it is not a complete SSO profile. */
export function ssoTarget(shared: SharedProfiles, profile: string): SsoTarget {
  const session = profileSsoSession(shared, profile);
  if (!session) throw badInput(`profile ${profile} is not an IAM Identity Center profile (no sso_session or sso_start_url)`, 'run `rolegate profiles` to see what each profile is');
  const values = resolveProfile(shared, profile);
  const accountId = text(values, 'sso_account_id');
  const roleName = text(values, 'sso_role_name');
  const missing = [accountId ? undefined : 'sso_account_id', roleName ? undefined : 'sso_role_name'].filter(Boolean);
  if (missing.length) throw badInput(`profile ${profile} has no ${missing.join(' or ')}`, `add ${missing.join(' and ')} to profile ${profile}, or run \`rolegate sso populate\``);
  const region = text(values, 'region');
  return { profile, session, accountId: accountId!, roleName: roleName!, ...(region ? { region } : {}) };
}

/** The sign-in commands for a next step: by the profile when there is one, else by `--sso-session`. */
export function loginCommands(session: SsoSession, profile: string | undefined): { rolegate: string; aws: string } {
  const flag = profile !== undefined ? `--profile ${quotePosix(profile)}` : `--sso-session ${quotePosix(session.name ?? '')}`;
  return { rolegate: `rolegate sso login ${flag}`, aws: `aws sso login ${flag}` };
}

