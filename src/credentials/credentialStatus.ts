/**
 * What rolegate knows about each profile it can serve, read without prompting: which store holds
 * the key, how long the MFA session and the role credentials have left, where they are cached.
 */
import { profileNames, readSharedProfiles } from '../config/profiles.js';
import { isUserError } from '../userError.js';
import { lookupRole, lookupSession, type CacheLookup } from '../cache/cachedCredentials.js';
import { sessionCacheDir, awsCliCacheDir } from '../files/rolegatePaths.cjs';
import { locateKeyStoreKind } from '../keys/longTermKey.js';
import { describeProfile, type CredentialSpec } from '../config/profileSpec.js';
import { EXPIRY_WINDOW_MS, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

export type CacheState = 'valid' | 'renewing-soon' | 'expired' | 'none';

export interface LinkStatus {
  state: CacheState;
  expiresAt?: string;
  secondsLeft?: number;
  cacheFile: string;
  warnings: string[];
}

export interface ProfileStatus {
  profile: string;
  kind: 'session' | 'role';
  layout: 'store' | 'guide';
  keyProfile: string;
  store: string;
  mfaSerial: string;
  roleArn?: string;
  session: LinkStatus;
  role?: LinkStatus;
  /** Fresh credentials to ask STS who they are (not part of the JSON output). */
  usable?: TemporaryCredentials;
}

export interface StatusReport {
  profiles: ProfileStatus[];
  /** Profiles rolegate does not serve (no MFA device, SSO, ...), with the reason. */
  other: Array<{ profile: string; reason: string }>;
  cacheDir: string;
  awsCliCacheDir: string;
}

function linkStatus(lookup: CacheLookup, now: number): LinkStatus {
  const found = lookup.found;
  if (!found) return { state: 'none', cacheFile: lookup.path, warnings: lookup.warnings };
  const left = found.expiration.getTime() - now;
  const state: CacheState = left <= 0 ? 'expired' : left <= EXPIRY_WINDOW_MS ? 'renewing-soon' : 'valid';
  return { state, expiresAt: found.expiration.toISOString(), secondsLeft: Math.max(0, Math.floor(left / 1000)), cacheFile: lookup.path, warnings: lookup.warnings };
}

function layoutOf(spec: CredentialSpec): 'store' | 'guide' {
  return spec.kind === 'role' ? spec.role.layout : 'store';
}

export async function credentialStatus(env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<StatusReport> {
  const shared = await readSharedProfiles(env);
  const report: StatusReport = { profiles: [], other: [], cacheDir: sessionCacheDir(env), awsCliCacheDir: awsCliCacheDir(env) };
  for (const profile of profileNames(shared)) {
    let spec: CredentialSpec;
    try {
      spec = describeProfile(shared, profile);
    } catch (error) {
      report.other.push({ profile, reason: isUserError(error) ? error.message : String(error) });
      continue;
    }
    const sessionSpec = spec.kind === 'session' ? spec.session : spec.role.session;
    const sessionLookup = await lookupSession(sessionSpec, env, now);
    const roleLookup = spec.kind === 'role' ? await lookupRole(spec.role, env, now) : undefined;
    const status: ProfileStatus = {
      profile,
      kind: spec.kind,
      layout: layoutOf(spec),
      keyProfile: sessionSpec.keyProfile,
      store: await locateKeyStoreKind(sessionSpec, shared, env),
      mfaSerial: sessionSpec.mfaSerial,
      roleArn: spec.kind === 'role' ? spec.role.roleArn : undefined,
      session: linkStatus(sessionLookup, now),
      role: roleLookup ? linkStatus(roleLookup, now) : undefined,
      usable: roleLookup ? roleLookup.credentials : sessionLookup.credentials,
    };
    if (spec.kind === 'session' && layoutOf(spec) === 'store' && status.store === 'plain') status.layout = 'guide';
    report.profiles.push(status);
  }
  return report;
}
