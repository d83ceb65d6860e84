/**
 * credential-process's full path below the CLI: read the profiles, look in the cache, refresh
 * through the chain on a miss, leave the shortcut note. Its modules are imported statically, so
 * that the bundle loads them as one chunk (each ES module file costs the loader more than its code
 * costs to run); the source's refresh code is loaded only on a miss.
 */
import { readSharedProfiles } from '../config/profiles.js';
import { sharedFilePaths } from '../config/sharedFilePaths.js';
import { describeProfile } from '../config/profileSpec.js';
import { handoutKind, lookupSpec, resolveSpec } from './dispatch.js';
import { leaveShortcut, stampFile, type RoleRefreshNote } from '../cache/credentialProcessShortcut.cjs';
import { CHAINED_ROLE_MAX_SECONDS } from '../config/roleChain.js';
import type { CredentialSpec } from '../config/profileSpec.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { parseDuration } from '../credentials/duration.js';

export interface LookupOptions {
  /** `--duration`, as typed. */
  durationText?: string;
  /** How long the credentials must still last (default: credential-process's 15 minutes). */
  wantedMs?: number;
  /** Writes a line for the person (waits and warnings), to stderr. */
  report: (line: string) => void;
}

export async function lookupOrRefresh(profile: string, env: NodeJS.ProcessEnv, options: LookupOptions): Promise<TemporaryCredentials> {
  const { durationText, wantedMs, report } = options;
  const sessionDurationSeconds = durationText === undefined ? undefined : parseDuration(durationText);
  const { configFile, credentialsFile } = sharedFilePaths(env);
  // stamped before the files are read, so an edit made meanwhile leaves a note that does not match
  const stamps = [stampFile(configFile), stampFile(credentialsFile)];
  const shared = await readSharedProfiles(env);
  const spec = describeProfile(shared, profile);
  const cached = await lookupSpec(spec, env, Date.now(), wantedMs);
  for (const warning of cached.warnings) report(`rolegate: warning: ${warning}\n`);
  const credentials =
    cached.credentials ??
    (await resolveSpec(spec, shared, {
      env,
      sessionDurationSeconds,
      wantedMs,
      onWait: (pid) => report(`rolegate: waiting for another rolegate process (pid ${pid}) that is refreshing these credentials\n`),
      onWarning: (message) => report(`rolegate: warning: ${message}\n`),
    }));
  if (cached.path !== undefined) {
    await leaveShortcut(profile, env, stamps, { ...cached, path: cached.path }, credentials, { region: spec.region, kind: await handoutKind(spec), refresh: roleRefreshNote(spec) });
  }
  return credentials;
}

/**
 * What the hourly role refresh (cli/roleRefresh.ts) needs in the note, for the one kind it serves:
 * a role of rolegate's store layout assumed with the MFA session, for at most the chain's hour
 * (a longer duration_seconds is capped with a warning, which the full path says).
 */
function roleRefreshNote(spec: CredentialSpec): RoleRefreshNote | undefined {
  if (spec.kind !== 'role') return undefined;
  const role = spec.role;
  if (role.layout !== 'store' || role.chain !== 'session' || (role.durationSeconds ?? 0) > CHAINED_ROLE_MAX_SECONDS || role.mfaSerial !== role.session.mfaSerial) return undefined;
  return {
    roleArn: role.roleArn,
    mfaSerial: role.mfaSerial,
    durationSeconds: role.durationSeconds ?? null,
    roleSessionName: role.roleSessionName ?? null,
    externalId: role.externalId ?? null,
    region: role.region ?? null,
    keyProfile: role.session.keyProfile,
  };
}
