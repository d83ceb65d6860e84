/**
 * credential-process's full path below the CLI: read the profiles, look in the cache, refresh
 * through the chain on a miss, leave the shortcut note. Its modules are imported statically, so
 * that the bundle loads them as one chunk (each ES module file costs the loader more than its code
 * costs to run); the chain (resolveCredentials.js) is loaded only on a miss.
 */
import { readSharedProfiles } from '../config/profiles.js';
import { sharedFilePaths } from '../config/sharedFilePaths.js';
import { lookupCached } from '../cache/cachedCredentials.js';
import { describeProfile } from '../config/profileSpec.js';
import { leaveShortcut, stampFile } from '../cache/credentialProcessShortcut.cjs';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { parseDuration } from './duration.js';

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
  const cached = await lookupCached(spec, env, Date.now(), wantedMs);
  for (const warning of cached.warnings) report(`rolegate: warning: ${warning}\n`);
  let credentials = cached.credentials;
  if (!credentials) {
    const { resolveCredentials } = await import('./resolveCredentials.js');
    credentials = await resolveCredentials(shared, spec, {
      env,
      sessionDurationSeconds,
      wantedMs,
      onWait: (pid) => report(`rolegate: waiting for another rolegate process (pid ${pid}) that is refreshing these credentials\n`),
      onWarning: (message) => report(`rolegate: warning: ${message}\n`),
    });
  }
  await leaveShortcut(profile, env, stamps, cached, credentials, { region: spec.region, kind: spec.kind });
  return credentials;
}
