/**
 * One call for the delivery commands (env, exec, terraform, credential-process on a miss):
 * the profile's temporary credentials, from the cache or through the chain.
 */
import { readSharedProfiles, type SharedProfiles } from '../config/profiles.js';
import { lookupCached } from './cachedCredentials.js';
import { describeProfile, type CredentialSpec } from './profileSpec.js';
import type { ResolveOptions } from './resolveCredentials.js';
import type { TemporaryCredentials } from './temporaryCredentials.js';

export interface ProfileCredentials {
  credentials: TemporaryCredentials;
  spec: CredentialSpec;
  shared: SharedProfiles;
  region: string | undefined;
  fromCache: boolean;
}

/** The profile a command uses when none is named: AWS_PROFILE, else `default` (like the CLI). */
export function defaultProfileName(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
}

export async function getProfileCredentials(profile: string, options: ResolveOptions = {}): Promise<ProfileCredentials> {
  const env = options.env ?? process.env;
  const shared = await readSharedProfiles(env);
  const spec = describeProfile(shared, profile);
  const region = spec.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const cached = await lookupCached(spec, env);
  if (cached.credentials) return { credentials: cached.credentials, spec, shared, region, fromCache: true };
  const { resolveCredentials } = await import('./resolveCredentials.js');
  const credentials = await resolveCredentials(shared, spec, options);
  return { credentials, spec, shared, region, fromCache: false };
}
