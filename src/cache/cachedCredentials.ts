/**
 * The cache side of the chain: finds still-fresh credentials for a profile without touching a key
 * store, a prompt or the SDK. This is all `credential-process` needs on a cache hit.
 */
import { awsCliCacheFile, readAwsCliCache } from './awsCliCache.js';
import { sessionCacheFile } from '../files/rolegatePaths.cjs';
import type { RolegateSpec, RoleSpec, SessionSpec } from '../config/profileSpec.js';
import { roleRequestSeconds } from '../config/roleChain.js';
import { readSessionEntry, roleEntryName, sessionEntryName, type SessionCacheEntry } from './sessionCache.js';
import { isFresh, requiredRemainingMs, type TemporaryCredentials } from './temporaryCredentials.cjs';

export interface CacheLookup {
  /**
   * Present only when fresh and made for this profile's settings. Fresh: more than `wantedMs`
   * left (15 minutes unless asked for more), or two thirds of the credentials' lifetime if less.
   */
  credentials?: TemporaryCredentials;
  /** The time that had to be left for `credentials` to be served (for credential-process's shortcut). */
  requiredMs?: number;
  /** The lifetime `requiredMs` was reckoned from, when known (for the shortcut note). */
  lifetimeMs?: number;
  /** What was found, fresh or not (for status). */
  found?: TemporaryCredentials;
  path: string;
  warnings: string[];
}

/** The lifetime an entry was issued with (expiration minus when it was written), when known. */
function entryLifetimeMs(entry: SessionCacheEntry): number | undefined {
  const created = Date.parse(entry.createdAt);
  const lifetime = entry.credentials.expiration.getTime() - created;
  return Number.isNaN(lifetime) || lifetime <= 0 ? undefined : lifetime;
}

function serveIfFresh(result: CacheLookup, credentials: TemporaryCredentials, lifetimeMs: number | undefined, wantedMs: number | undefined, now: number): CacheLookup {
  result.found = credentials;
  const requiredMs = requiredRemainingMs(lifetimeMs, wantedMs);
  if (isFresh(credentials.expiration, now, requiredMs)) {
    result.credentials = credentials;
    result.requiredMs = requiredMs;
    result.lifetimeMs = lifetimeMs;
  }
  return result;
}

export async function lookupSession(session: SessionSpec, env: NodeJS.ProcessEnv, now = Date.now(), wantedMs?: number): Promise<CacheLookup> {
  const name = sessionEntryName(session.keyProfile);
  const { entry, warning } = await readSessionEntry(name, env);
  const result: CacheLookup = { path: sessionCacheFile(name, env), warnings: warning ? [warning] : [] };
  if (entry && entry.kind === 'session' && entry.mfaSerial === session.mfaSerial) return serveIfFresh(result, entry.credentials, entryLifetimeMs(entry), wantedMs, now);
  return result;
}

export async function lookupRole(role: RoleSpec, env: NodeJS.ProcessEnv, now = Date.now(), wantedMs?: number): Promise<CacheLookup> {
  if (role.layout === 'guide') {
    const path = awsCliCacheFile(role, env);
    const { credentials, warning } = await readAwsCliCache(path);
    const result: CacheLookup = { path, warnings: warning ? [warning] : [] };
    // the AWS CLI's entry says nothing of its lifetime: take what this profile asks for
    return credentials ? serveIfFresh(result, credentials, roleRequestSeconds(role) * 1000, wantedMs, now) : result;
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
    return serveIfFresh(result, entry.credentials, entryLifetimeMs(entry) ?? roleRequestSeconds(role) * 1000, wantedMs, now);
  }
  return result;
}

/** `wantedMs`: how long the credentials must still last (default 15 minutes; see requiredRemainingMs). */
export function lookupCached(spec: RolegateSpec, env: NodeJS.ProcessEnv, now = Date.now(), wantedMs?: number): Promise<CacheLookup> {
  return spec.kind === 'session' ? lookupSession(spec.session, env, now, wantedMs) : lookupRole(spec.role, env, now, wantedMs);
}
