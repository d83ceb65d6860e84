/**
 * One call for the delivery commands (env, exec, terraform, credential-process on a miss):
 * the profile's temporary credentials, from the cache or through the chain.
 */
import { readSharedProfiles, type SharedProfiles } from '../config/profiles.js';
import { lookupCached } from '../cache/cachedCredentials.js';
import { describeProfile, type CredentialSpec } from '../config/profileSpec.js';
import type { ResolveOptions } from './resolveCredentials.js';
import { formatExpiration, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

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
  const cached = await lookupCached(spec, env, Date.now(), options.wantedMs);
  if (cached.credentials) return { credentials: cached.credentials, spec, shared, region, fromCache: true };
  const { resolveCredentials } = await import('./resolveCredentials.js');
  const credentials = await resolveCredentials(shared, spec, options);
  return { credentials, spec, shared, region, fromCache: false };
}

/**
 * What exec (with plain variables) and env hand out: credentials that last at least 40 minutes, or
 * two thirds of their lifetime when that is shorter (see requiredRemainingMs), renewed first when
 * the cached ones have less. The AWS CLI's 15 minutes is a rule for reusing a cache, too short for a
 * command that starts now; 40 minutes is what a 1-hour role can promise every time (40 to 60).
 */
export const HANDOUT_MARGIN_MS = 40 * 60_000;

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

/** The variables that hand temporary credentials to a tool (never AWS_PROFILE beside them). */
export function credentialVariables(credentials: TemporaryCredentials, region: string | undefined): Record<string, string> {
  const vars: Record<string, string> = {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: formatExpiration(credentials.expiration),
  };
  if (region) {
    vars.AWS_REGION = region;
    vars.AWS_DEFAULT_REGION = region;
  }
  return vars;
}

/** Variables that mean "credentials are already in this environment" (exec refuses to nest on them). */
export const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const;
