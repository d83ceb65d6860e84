/**
 * The fast lane of `credential-process`: a note, per profile, of which cache file answered last
 * time and what the shared config and credentials files looked like then (path, size, mtime,
 * inode), and which credentials (access key id) that entry held. While both files are unchanged and
 * that cache entry still holds those credentials and is fresh, credential-process answers from it
 * without loading the config parser or the profile logic: the whole cache hit is this module, two
 * stats and one small read. Any change, absence or damage means "no shortcut", and the full path
 * runs (and writes a new note). The access key id matters: the full path checks that a cache entry
 * was made for this profile's settings (role ARN, MFA device), and an entry rewritten since (by a
 * run with another config file that has a profile of the same name) must not pass unchecked.
 */
import { statSync } from 'node:fs';
import { readTrustedFile } from '../files/checkedFile.cjs';
import { basename, join } from 'node:path';
import { rolegateCacheDir, safeName } from '../files/rolegatePaths.cjs';
import { isFresh, MAX_LIFETIME_MS, parseCredentials, withinIssuableLifetime, type TemporaryCredentials } from './temporaryCredentials.cjs';

interface FileStamp {
  path: string;
  size: number | null;
  mtimeMs: number | null;
  ino: number | null;
}

interface Shortcut {
  version: 1;
  profile: string;
  /** The variables that decide which files are read. */
  env: Record<string, string | null>;
  files: FileStamp[];
  /** The cache entry (rolegate's or the AWS CLI's) that holds the profile's credentials. */
  cacheFile: string;
  /** The access key id of the credentials the full path served from `cacheFile`. */
  accessKeyId: string;
  /** How long the credentials must still last to be served (the full path's rule); 15 min if absent. */
  requiredMs?: number;
}

const ENV_KEYS = ['HOME', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'XDG_CACHE_HOME'] as const;

export function shortcutFile(profile: string, env: NodeJS.ProcessEnv): string {
  return join(rolegateCacheDir(env), 'shortcuts', `${safeName(profile)}.json`);
}

export function stampFile(path: string): FileStamp {
  try {
    const info = statSync(path);
    return { path, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
  } catch {
    return { path, size: null, mtimeMs: null, ino: null };
  }
}

function envOf(env: NodeJS.ProcessEnv): Record<string, string | null> {
  return Object.fromEntries(ENV_KEYS.map((key) => [key, env[key] ?? null]));
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Fresh credentials through the shortcut, or undefined (then take the full path). Never throws. */
export function readShortcut(profile: string, env: NodeJS.ProcessEnv, now = Date.now()): TemporaryCredentials | undefined {
  try {
    const note = JSON.parse(readTrustedFile(shortcutFile(profile, env)) ?? 'null') as Shortcut | null;
    if (!note) return undefined;
    if (note.version !== 1 || note.profile !== profile || !Array.isArray(note.files)) return undefined;
    const current = envOf(env);
    if (ENV_KEYS.some((key) => note.env?.[key] !== current[key])) return undefined;
    if (!note.files.every((stamp) => sameStamp(stamp, stampFile(stamp.path)))) return undefined;
    const entry = JSON.parse(readTrustedFile(note.cacheFile) ?? 'null') as { Credentials?: unknown; createdAt?: unknown } | null;
    if (!entry) return undefined;
    const credentials = parseCredentials(entry.Credentials);
    if (typeof note.accessKeyId !== 'string' || credentials?.accessKeyId !== note.accessKeyId) return undefined;
    // rolegate's session entries hold GetSessionToken results; every other entry a role's
    const maxMs = basename(note.cacheFile).startsWith('session-') ? MAX_LIFETIME_MS.session : MAX_LIFETIME_MS.role;
    const createdAt = typeof entry.createdAt === 'string' ? entry.createdAt : undefined;
    if (!credentials || !withinIssuableLifetime(credentials.expiration, maxMs, createdAt, now)) return undefined;
    const requiredMs = typeof note.requiredMs === 'number' && note.requiredMs > 0 ? note.requiredMs : undefined;
    return isFresh(credentials.expiration, now, requiredMs) ? credentials : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records the shortcut. `stamps` must be taken before the config was read, so an edit made while
 * the full path ran leaves a note that no longer matches; `served` are the credentials the full
 * path checked and served from `cacheFile`.
 */
export async function writeShortcut(
  profile: string,
  env: NodeJS.ProcessEnv,
  stamps: FileStamp[],
  cacheFile: string,
  served: Pick<TemporaryCredentials, 'accessKeyId'>,
  requiredMs?: number,
): Promise<void> {
  const { writePrivateFile } = await import('../files/privateFile.js');
  const note: Shortcut = { version: 1, profile, env: envOf(env), files: stamps, cacheFile, accessKeyId: served.accessKeyId, requiredMs };
  await writePrivateFile(shortcutFile(profile, env), JSON.stringify(note));
}
