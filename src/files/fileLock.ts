/**
 * A cross-process lock file that records its holder: pid, host, process start time. Used for the
 * shared-file edits (config, credentials), credential refreshes, the key file and rotations.
 *
 * Staleness is decided by the holder, never by age alone: a holder on this host is stale when its
 * pid is gone or now runs another process (start time differs), and is taken over at once; a live
 * holder keeps its lock however long it takes (an MFA prompt, a suspended laptop, a slow disk).
 * Only a holder on another host (a home folder shared over NFS), whose pid cannot be probed, is
 * stale after `staleAfterMs`. A lock is created whole (written to a temporary file, then hard-linked
 * into place), so a kill never leaves an empty lock for the next run to puzzle over. A holder that
 * finds its lock taken over anyway (a race with a take-over, another host's clock) learns it from
 * `assertHeld`, and aborts its write rather than write.
 *
 * Lock folders must be the user's own (callers make sure): whoever can write there can remove
 * the lock.
 */
import { closeSync, constants, linkSync, lstatSync, openSync, renameSync, rmdirSync, writeFileSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FileRefusedError, LIMITS, readCheckedFile } from './checkedFile.cjs';
import { cleanStaleTemporaries, isDeadHere, ownStartTime, removeFile, removeQuietly, temporaryPath } from './atomicFile.js';

export interface LockInfo {
  pid: number;
  host: string;
  start: string | null;
  created: number;
  nonce: string;
}

export interface LockOptions {
  /** How long to wait for a live holder before `busyError` (default 5 minutes). */
  waitMs: number;
  /** A lock held on another host is stale after this (default 40 minutes). */
  staleAfterMs: number;
  /** Called once when this process starts waiting for another holder. */
  onWait?: (holderPid: number | undefined) => void;
  /** The error thrown when the wait runs out. */
  busyError: (holderPid: number | undefined) => Error;
  /** The error `assertHeld` throws when the lock was taken over. */
  lostError: () => Error;
}

export interface HeldLock {
  /** Throws `lostError` unless the lock file still names this holder. */
  assertHeld(): void;
  /** Removes the lock if it is still this holder's. */
  release(): Promise<void>;
}

const POLL_MS = 50;
/** A lock file that is not one of ours (an older version's, or garbage) is taken over after this. */
const GARBAGE_AFTER_MS = 2000;
/** proper-lockfile, used by earlier versions for the shared files, made a folder, refreshed every 5 s. */
const OLD_FOLDER_LOCK_STALE_MS = 10_000;

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

// The file steps are synchronous system calls (as in atomicFile.ts); only the wait between tries is asynchronous.

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** An exclusive create of `path` (O_NOFOLLOW), filled with `text`. */
function createWith(path: string, text: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

function parseInfo(text: string | undefined): LockInfo | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as LockInfo;
    return typeof value.pid === 'number' && typeof value.nonce === 'string' && typeof value.host === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isStale(info: LockInfo, now: number, staleAfterMs: number): boolean {
  if (info.host !== hostname()) return now - info.created > staleAfterMs;
  return isDeadHere(info.pid, info.start);
}

type Holder = { kind: 'none' } | { kind: 'lock'; info: LockInfo } | { kind: 'folder'; ageMs: number } | { kind: 'garbage'; ageMs: number };

function readHolder(path: string): Holder {
  let text: string | undefined;
  try {
    text = readCheckedFile(path, { maxBytes: LIMITS.lock, noFollow: true })?.toString('utf8');
    if (text === undefined) return { kind: 'none' };
  } catch (error) {
    if (!(error instanceof FileRefusedError)) throw error;
  }
  const info = parseInfo(text);
  if (info) return { kind: 'lock', info };
  const stat = lstatOrUndefined(path);
  if (!stat) return { kind: 'none' };
  const ageMs = Date.now() - stat.mtimeMs;
  return stat.isDirectory() ? { kind: 'folder', ageMs } : { kind: 'garbage', ageMs };
}

/** Writes `info` to a fresh temporary file, and links it at `path`; false when `path` exists. */
function tryCreate(path: string, info: LockInfo): boolean {
  const temp = temporaryPath(path);
  createWith(temp, JSON.stringify(info));
  try {
    try {
      linkSync(temp, path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    }
    // A file system without hard links: an exclusive create, filled in at once.
    try {
      createWith(path, JSON.stringify(info));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  } finally {
    removeQuietly(temp);
  }
}

/**
 * Moves a stale lock aside (under a temporary name, so a kill here leaves nothing a later run
 * keeps), and puts it back if a race made us move a fresh one.
 */
function takeOver(path: string, staleNonce: string | undefined): void {
  const aside = temporaryPath(path);
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let moved: LockInfo | undefined;
  try {
    moved = parseInfo(readCheckedFile(aside, { maxBytes: LIMITS.lock, noFollow: true })?.toString('utf8'));
  } catch {
    moved = undefined;
  }
  if (moved && moved.nonce !== staleNonce) {
    try {
      linkSync(aside, path);
    } catch {
      // a fresh lock is already back in place
    }
  }
  removeFile(aside);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Acquires the lock at `path` (its folder must exist and be the user's). */
export async function acquireFileLock(path: string, options: LockOptions): Promise<HeldLock> {
  await cleanStaleTemporaries(dirname(path));
  const info: LockInfo = { pid: process.pid, host: hostname(), start: ownStartTime(), created: Date.now(), nonce: randomBytes(8).toString('hex') };
  const deadline = Date.now() + options.waitMs;
  let waiting = false;
  let lastPid: number | undefined;
  for (;;) {
    info.created = Date.now();
    if (tryCreate(path, info)) break;
    const holder = readHolder(path);
    if (holder.kind === 'none') continue; // released between our two calls
    if (holder.kind === 'lock') {
      lastPid = holder.info.pid;
      if (isStale(holder.info, Date.now(), options.staleAfterMs)) {
        takeOver(path, holder.info.nonce);
        continue;
      }
    } else if (holder.kind === 'folder' && holder.ageMs > OLD_FOLDER_LOCK_STALE_MS) {
      try {
        rmdirSync(path);
      } catch {
        // gone already, or not empty: the next try sees it
      }
      continue;
    } else if (holder.kind === 'garbage' && holder.ageMs > GARBAGE_AFTER_MS) {
      takeOver(path, undefined);
      continue;
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(lastPid);
    }
    if (Date.now() >= deadline) throw options.busyError(lastPid);
    await sleep(POLL_MS + Math.floor(Math.random() * POLL_MS));
  }
  const stillOurs = (): boolean => {
    try {
      return parseInfo(readCheckedFile(path, { maxBytes: LIMITS.lock, noFollow: true })?.toString('utf8'))?.nonce === info.nonce;
    } catch {
      return false;
    }
  };
  return {
    assertHeld() {
      if (!stillOurs()) throw options.lostError();
    },
    async release() {
      if (stillOurs()) removeFile(path);
    },
  };
}
