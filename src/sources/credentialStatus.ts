/**
 * What rolegate knows about each profile it can serve, read without prompting, through each
 * profile's source (dispatch.ts): for rolegate's own profiles, which store holds the key and how
 * long the MFA session and the role credentials have left; for the others, what their source shows.
 */
import { profileNames, readSharedProfiles } from '../config/profiles.js';
import { isUserError } from '../userError.js';
import { sessionCacheDir, awsCliCacheDir } from '../files/rolegatePaths.cjs';
import { locateKeyStoreKind } from '../keys/longTermKey.js';
import { describeProfile, type CredentialSpec } from '../config/profileSpec.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import type { LinkStatus as SourceLink } from './credentialSource.js';
import { sourceFor } from './dispatch.js';

export type { CacheState } from './credentialSource.js';

/** A link as status has always reported it (JSON `session` and `role`). */
export type LinkStatus = Omit<SourceLink, 'name' | 'cacheFile'> & { cacheFile: string };

export interface ProfileStatus {
  profile: string;
  /** The spec kind (see config/profileSpec.ts). */
  kind: CredentialSpec['kind'];
  /** The TYPE column, from the source. */
  type: string;
  /** Where the credentials come from, from the source. */
  from: string;
  /** Every cached link, from the source. */
  links: SourceLink[];
  // rolegate's own profiles (kind session or role):
  layout?: 'store' | 'guide';
  keyProfile?: string;
  store?: string;
  mfaSerial?: string;
  roleArn?: string;
  session?: LinkStatus;
  role?: LinkStatus;
  /** Fresh credentials to ask STS who they are (not part of the JSON output). */
  usable?: TemporaryCredentials;
}

export interface StatusReport {
  profiles: ProfileStatus[];
  /** Profiles rolegate does not serve (settings only, a setting it cannot use, ...), with the reason. */
  other: Array<{ profile: string; reason: string }>;
  cacheDir: string;
  awsCliCacheDir: string;
}

function legacyLink(link: SourceLink | undefined): LinkStatus | undefined {
  if (!link) return undefined;
  const { name: _name, cacheFile, ...rest } = link;
  return { ...rest, cacheFile: cacheFile ?? '' };
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
    const shown = await (await sourceFor(spec)).status(spec as never, shared, env, now);
    const status: ProfileStatus = { profile, kind: spec.kind, type: shown.type, from: shown.from, links: shown.links, usable: shown.usable };
    if (spec.kind === 'session' || spec.kind === 'role') {
      const sessionSpec = spec.kind === 'session' ? spec.session : spec.role.session;
      status.layout = spec.kind === 'role' ? spec.role.layout : 'store';
      status.keyProfile = sessionSpec.keyProfile;
      status.store = await locateKeyStoreKind(sessionSpec, shared, env);
      status.mfaSerial = sessionSpec.mfaSerial;
      if (spec.kind === 'role') status.roleArn = spec.role.roleArn;
      status.session = legacyLink(shown.links[0]);
      status.role = legacyLink(shown.links[1]);
      if (spec.kind === 'session' && status.store === 'plain') status.layout = 'guide';
    }
    report.profiles.push(status);
  }
  return report;
}
