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
import { isFresh, MAX_LIFETIME_MS, parseCredentials, requiredRemainingMs, withinIssuableLifetime, type TemporaryCredentials } from './temporaryCredentials.cjs';

export interface FileStamp {
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
  /**
   * Written since env and exec read notes too (a note without it serves credential-process only):
   * the lifetime the full path reckoned freshness from (null: unknown), the profile's own region,
   * and whether the profile is a role or an MFA session.
   */
  handout?: HandoutNote;
  /** Written since the hourly role refresh reads notes (cli/roleRefresh.ts); absent: that refresh takes the full path. */
  refresh?: RoleRefreshNote;
}

/**
 * What the hourly role refresh needs to assume the role again without the profile parser, as the
 * full path found it in the config: written only for a role of rolegate's store layout on the
 * session chain whose duration_seconds is within the chain's 1 hour (no warning to say).
 */
export interface RoleRefreshNote {
  roleArn: string;
  /** The role's MFA device (the role entry and the MFA session are made for it). */
  mfaSerial: string;
  durationSeconds: number | null;
  roleSessionName: string | null;
  externalId: string | null;
  /** The role's region (its profile's, else its key profile's). */
  region: string | null;
  /** The key profile whose MFA session signs AssumeRole. */
  keyProfile: string;
}

export interface HandoutNote {
  lifetimeMs: number | null;
  region: string | null;
  kind: 'role' | 'session';
}

/** A cache hit through the note, with what env and exec hand out beside the credentials. */
export interface ShortcutAnswer {
  credentials: TemporaryCredentials;
  /** The profile's region, else AWS_REGION, else AWS_DEFAULT_REGION (as the full path has it). */
  region: string | undefined;
  kind: 'role' | 'session';
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

export function envOf(env: NodeJS.ProcessEnv): Record<string, string | null> {
  return Object.fromEntries(ENV_KEYS.map((key) => [key, env[key] ?? null]));
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Fresh credentials through the shortcut, or undefined (then take the full path). Never throws. */
export function readShortcut(profile: string, env: NodeJS.ProcessEnv, now = Date.now()): TemporaryCredentials | undefined {
  return readShortcutAnswer(profile, env, undefined, now)?.credentials;
}

/** The note when the files and variables it was made with are unchanged, else undefined; may throw. */
function matchingNote(profile: string, env: NodeJS.ProcessEnv): Shortcut | undefined {
  const note = JSON.parse(readTrustedFile(shortcutFile(profile, env)) ?? 'null') as Shortcut | null;
  if (!note) return undefined;
  if (note.version !== 1 || note.profile !== profile || !Array.isArray(note.files)) return undefined;
  const current = envOf(env);
  if (ENV_KEYS.some((key) => note.env?.[key] !== current[key])) return undefined;
  if (!note.files.every((stamp) => sameStamp(stamp, stampFile(stamp.path)))) return undefined;
  return note;
}

/**
 * Like readShortcut, for env and exec: credentials with at least `wantedMs` left (requiredRemainingMs),
 * with the region and kind of the profile. Only from a note that records them (see `handout`).
 */
export function readShortcutAnswer(profile: string, env: NodeJS.ProcessEnv, wantedMs: number | undefined, now = Date.now()): ShortcutAnswer | undefined {
  try {
    const note = matchingNote(profile, env);
    if (!note) return undefined;
    const entry = JSON.parse(readTrustedFile(note.cacheFile) ?? 'null') as { Credentials?: unknown; createdAt?: unknown } | null;
    if (!entry) return undefined;
    const credentials = parseCredentials(entry.Credentials);
    if (typeof note.accessKeyId !== 'string' || credentials?.accessKeyId !== note.accessKeyId) return undefined;
    // rolegate's session entries hold GetSessionToken results; every other entry a role's
    const maxMs = basename(note.cacheFile).startsWith('session-') ? MAX_LIFETIME_MS.session : MAX_LIFETIME_MS.role;
    const createdAt = typeof entry.createdAt === 'string' ? entry.createdAt : undefined;
    if (!credentials || !withinIssuableLifetime(credentials.expiration, maxMs, createdAt, now)) return undefined;
    const handout = note.handout;
    const kind = handout?.kind === 'role' || handout?.kind === 'session' ? handout.kind : undefined;
    const lifetimeMs = typeof handout?.lifetimeMs === 'number' ? handout.lifetimeMs : undefined;
    // a note from before `handout` serves credential-process's rule only
    if (!kind && wantedMs !== undefined) return undefined;
    const noted = typeof note.requiredMs === 'number' && note.requiredMs > 0 ? note.requiredMs : undefined;
    const requiredMs = kind ? requiredRemainingMs(lifetimeMs, wantedMs) : noted;
    if (!isFresh(credentials.expiration, now, requiredMs)) return undefined;
    const region = (typeof handout?.region === 'string' ? handout.region : undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    return { credentials, region, kind: kind ?? 'role' };
  } catch {
    return undefined;
  }
}

const filled = (value: unknown): value is string => typeof value === 'string' && value !== '';
const filledOrNull = (value: unknown) => value === null || filled(value);

/**
 * What the hourly role refresh starts from (cli/roleRefresh.ts): the note's role, cache entry and
 * file stamps, when the files and variables it was made with are unchanged and it records
 * everything the refresh needs; else undefined (the full path). Never throws.
 */
export function roleRefreshNote(profile: string, env: NodeJS.ProcessEnv): { profile: string; refresh: RoleRefreshNote; cacheFile: string; files: FileStamp[] } | undefined {
  try {
    const note = matchingNote(profile, env);
    const r = note?.refresh;
    if (!note || !r || typeof r !== 'object' || !filled(note.cacheFile) || note.handout?.kind !== 'role') return undefined;
    if (!filled(r.roleArn) || !filled(r.mfaSerial) || !filled(r.keyProfile) || !filledOrNull(r.roleSessionName) || !filledOrNull(r.externalId) || !filledOrNull(r.region)) return undefined;
    if (r.durationSeconds !== null && !(Number.isInteger(r.durationSeconds) && r.durationSeconds > 0 && r.durationSeconds <= 3600)) return undefined;
    return { profile, refresh: r, cacheFile: note.cacheFile, files: note.files };
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
  handout?: HandoutNote,
  refresh?: RoleRefreshNote,
): Promise<void> {
  const { writePrivateFile } = await import('../files/privateFile.js');
  const note: Shortcut = { version: 1, profile, env: envOf(env), files: stamps, cacheFile, accessKeyId: served.accessKeyId, requiredMs, handout, refresh };
  const text = JSON.stringify(note);
  const file = shortcutFile(profile, env);
  // a run that found what the note already says (exec's endpoint, env with --duration) leaves it be
  const existing = (() => {
    try {
      return readTrustedFile(file);
    } catch {
      return undefined; // damaged or not ours: replaced below
    }
  })();
  if (existing === text) return;
  // a note lost to a power cut only sends the next run down the full path: no folder fsync
  await writePrivateFile(file, text, { durable: false });
}

/**
 * Leaves the note after a full run (credential-process, env, exec): `lookup` is the cache lookup the
 * run made, `served` what it handed out, from that lookup or refreshed into the same cache file.
 */
export function leaveShortcut(
  profile: string,
  env: NodeJS.ProcessEnv,
  stamps: FileStamp[],
  lookup: { path: string; credentials?: TemporaryCredentials; lifetimeMs?: number },
  served: TemporaryCredentials,
  about: { region: string | undefined; kind: 'role' | 'session'; refresh?: RoleRefreshNote },
  now = Date.now(),
): Promise<void> {
  const lifetimeMs = lookup.credentials ? lookup.lifetimeMs : served.expiration.getTime() - now;
  const handout: HandoutNote = { lifetimeMs: lifetimeMs ?? null, region: about.region ?? null, kind: about.kind };
  return writeShortcut(profile, env, stamps, lookup.path, served, requiredRemainingMs(lifetimeMs), handout, about.refresh).catch(() => undefined);
}
