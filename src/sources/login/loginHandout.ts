/**
 * The credentials rolegate last handed out for a login_session profile, kept in rolegate's session
 * cache as `sessions/login-<profile>.json` in the shape the fast path reads (a top-level
 * `Credentials` in the AWS shape, and `createdAt`), so the next credential-process, env or exec is
 * answered by the CommonJS cache-hit path without loading the SDK. The login cache of `aws login`
 * stays the source of truth: this is a copy of what its provider served, never renewed here.
 */
import { rm } from 'node:fs/promises';
import { sessionCacheFile } from '../../files/rolegatePaths.cjs';
import { readTrustedFile } from '../../files/checkedFile.cjs';
import { writePrivateFile } from '../../files/privateFile.js';
import { parseCredentials, toAwsShape, withinIssuableLifetime, type TemporaryCredentials } from '../../cache/temporaryCredentials.cjs';

/** Console sign-in credentials last at most 15 minutes (CreateOAuth2Token's expiresIn, at most 900). */
export const LOGIN_LIFETIME_MS = 15 * 60_000;

export const handoutEntryName = (profile: string) => `login-${profile}`;

export function handoutFile(profile: string, env: NodeJS.ProcessEnv): string {
  return sessionCacheFile(handoutEntryName(profile), env);
}

export interface HandoutRead {
  credentials?: TemporaryCredentials;
  warning?: string;
}

/** The entry, if it is there, made for this login session, and readable. */
export function readHandout(profile: string, loginSession: string, env: NodeJS.ProcessEnv): HandoutRead {
  const path = handoutFile(profile, env);
  let text: string | undefined;
  try {
    text = readTrustedFile(path);
  } catch (error) {
    return { warning: `ignored ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (text === undefined) return {};
  try {
    const entry = JSON.parse(text) as { kind?: unknown; loginSession?: unknown; createdAt?: unknown; Credentials?: unknown };
    if (entry.kind !== 'login' || entry.loginSession !== loginSession) return {};
    const credentials = parseCredentials(entry.Credentials);
    // longer than the sign-in service issues from when it was written: damaged, never served
    const createdAt = typeof entry.createdAt === 'string' ? entry.createdAt : '';
    if (!credentials || !withinIssuableLifetime(credentials.expiration, LOGIN_LIFETIME_MS, createdAt)) return { warning: `ignored the damaged cache file ${path}` };
    return { credentials };
  } catch {
    return { warning: `ignored ${path}: not JSON` };
  }
}

export async function writeHandout(profile: string, loginSession: string, credentials: TemporaryCredentials, env: NodeJS.ProcessEnv): Promise<void> {
  const entry = { version: 1, kind: 'login', profile, loginSession, createdAt: new Date().toISOString(), Credentials: toAwsShape(credentials) };
  await writePrivateFile(handoutFile(profile, env), JSON.stringify(entry, null, 2) + '\n');
}

/** Removes the entry; returns its path when there was one. */
export async function removeHandout(profile: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const path = handoutFile(profile, env);
  try {
    await rm(path);
    return path;
  } catch {
    return undefined;
  }
}
