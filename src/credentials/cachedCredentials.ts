/**
 * The cache side of the chain: finds still-fresh credentials for a profile without touching a key
 * store, a prompt or the SDK. This is all `credential-process` needs on a cache hit.
 */
import { awsCliCacheFile, readAwsCliCache } from './awsCliCache.js';
import { sessionCacheFile } from './cachePaths.cjs';
import type { CredentialSpec, RoleSpec, SessionSpec } from './profileSpec.js';
import { readSessionEntry, roleEntryName, sessionEntryName } from './sessionCache.js';
import { isFresh, type TemporaryCredentials } from './temporaryCredentials.cjs';

export interface CacheLookup {
  /** Present only when fresh (more than 15 minutes left) and made for this profile's settings. */
  credentials?: TemporaryCredentials;
  /** What was found, fresh or not (for status). */
  found?: TemporaryCredentials;
  path: string;
  warnings: string[];
}

export async function lookupSession(session: SessionSpec, env: NodeJS.ProcessEnv, now = Date.now()): Promise<CacheLookup> {
  const name = sessionEntryName(session.keyProfile);
  const { entry, warning } = await readSessionEntry(name, env);
  const result: CacheLookup = { path: sessionCacheFile(name, env), warnings: warning ? [warning] : [] };
  if (entry && entry.kind === 'session' && entry.mfaSerial === session.mfaSerial) {
    result.found = entry.credentials;
    if (isFresh(entry.credentials.expiration, now)) result.credentials = entry.credentials;
  }
  return result;
}

export async function lookupRole(role: RoleSpec, env: NodeJS.ProcessEnv, now = Date.now()): Promise<CacheLookup> {
  if (role.layout === 'guide') {
    const path = awsCliCacheFile(role, env);
    const { credentials, warning } = await readAwsCliCache(path);
    return {
      path,
      found: credentials,
      credentials: credentials && isFresh(credentials.expiration, now) ? credentials : undefined,
      warnings: warning ? [warning] : [],
    };
  }
  const name = roleEntryName(role.profile);
  const { entry, warning } = await readSessionEntry(name, env);
  const result: CacheLookup = { path: sessionCacheFile(name, env), warnings: warning ? [warning] : [] };
  if (
    entry &&
    entry.kind === 'role' &&
    entry.roleArn === role.roleArn &&
    entry.mfaSerial === role.mfaSerial &&
    entry.durationSeconds === role.durationSeconds
  ) {
    result.found = entry.credentials;
    if (isFresh(entry.credentials.expiration, now)) result.credentials = entry.credentials;
  }
  return result;
}

export function lookupCached(spec: CredentialSpec, env: NodeJS.ProcessEnv, now = Date.now()): Promise<CacheLookup> {
  return spec.kind === 'session' ? lookupSession(spec.session, env, now) : lookupRole(spec.role, env, now);
}
