/**
 * One call for the delivery commands (env, exec, terraform, credential-process on a miss):
 * the profile's temporary credentials, from its source's cache or through the source (dispatch.ts).
 */
import { readSharedProfiles, type SharedProfiles } from '../config/profiles.js';
import { leaveShortcut, stampFile } from '../cache/credentialProcessShortcut.cjs';
import { sharedFilePaths } from '../config/sharedFilePaths.js';
import { describeProfile, type CredentialSpec } from '../config/profileSpec.js';
import type { ResolveOptions } from '../credentials/resolveCredentials.js';
import { handoutKind, lookupSpec, resolveSpec } from './dispatch.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

export interface ProfileCredentials {
  credentials: TemporaryCredentials;
  spec: CredentialSpec;
  shared: SharedProfiles;
  region: string | undefined;
  fromCache: boolean;
  /** How the credentials renew (env's message): 'role' from what rolegate holds, 'session' with the person. */
  handout: 'role' | 'session';
}

export { defaultProfileName } from '../config/defaultProfile.cjs';

export async function getProfileCredentials(profile: string, options: ResolveOptions = {}): Promise<ProfileCredentials> {
  const env = options.env ?? process.env;
  // stamped before the files are read, so an edit made meanwhile leaves a note that does not match
  const { configFile, credentialsFile } = sharedFilePaths(env);
  const stamps = [stampFile(configFile), stampFile(credentialsFile)];
  const shared = await readSharedProfiles(env);
  const spec = describeProfile(shared, profile);
  const region = spec.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const cached = await lookupSpec(spec, env, Date.now(), options.wantedMs);
  const credentials = cached.credentials ?? (await resolveSpec(spec, shared, options));
  // the note that lets the next env, exec --env-only or credential-process answer from main.cts
  const handout = await handoutKind(spec);
  if (cached.path !== undefined) await leaveShortcut(profile, env, stamps, { ...cached, path: cached.path }, credentials, { region: spec.region, kind: handout });
  return { credentials, spec, shared, region, fromCache: Boolean(cached.credentials), handout };
}

export { HANDOUT_MARGIN_MS, credentialVariables } from '../cache/temporaryCredentials.cjs';

/** Resolve options for a command run by a person: waits and warnings go to stderr. */
export function reportingOptions(env: NodeJS.ProcessEnv = process.env, sessionDurationSeconds?: number, wantedMs?: number): ResolveOptions {
  return {
    env,
    sessionDurationSeconds,
    wantedMs,
    onWait: (pid) => process.stderr.write(`rolegate: waiting for another rolegate process (pid ${pid}) that is refreshing these credentials\n`),
    onWarning: (message) => process.stderr.write(`rolegate: warning: ${message}\n`),
  };
}

