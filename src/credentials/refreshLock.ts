/**
 * A cross-process lock around one credential refresh, so that N processes started together spend
 * one MFA code and make one STS call per link of the chain; the others wait, then read the cache.
 *
 * Why O_EXCL + pid liveness rather than proper-lockfile's mtime heartbeat: the holder may sit in an
 * MFA prompt for minutes while a person finds their phone. A heartbeat needs either a long stale
 * threshold (a killed holder blocks everyone for that long) or a timer that keeps refreshing the
 * mtime (and a blocked event loop then looks like a dead holder). Recording pid, host and the
 * process start time lets a waiter see at once that the holder is gone (killed, crashed, Ctrl-C),
 * and the start time guards against pid reuse. Holders on another host (a home folder shared over
 * NFS) cannot be probed, so an age limit covers them.
 */
import { open, readFile, rename, rm, link, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensurePrivateDir } from './privateFile.js';
import { UserError } from '../userError.js';

interface LockInfo {
  pid: number;
  host: string;
  start: string | null;
  created: number;
  nonce: string;
}

export interface LockOptions {
  /** How long to wait for a live holder before giving up (default 5 minutes). */
  waitMs?: number;
  /** A lock older than this is stale whoever holds it (default 40 minutes). */
  staleAfterMs?: number;
  /** Called once when this process starts waiting for another holder. */
  onWait?: (holderPid: number) => void;
  /** The error thrown when the wait runs out (default: a refresh that takes too long). */
  busyError?: (holderPid: number | undefined) => UserError;
}

const POLL_MS = 50;

/** The start time of a process (Linux: field 22 of /proc/PID/stat), to tell a reused pid apart. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseInfo(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as LockInfo;
    return typeof value.pid === 'number' && typeof value.nonce === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isStale(info: LockInfo, now: number, staleAfterMs: number): boolean {
  if (now - info.created > staleAfterMs) return true;
  if (info.host !== hostname()) return false;
  if (!isAlive(info.pid)) return true;
  const start = processStartTime(info.pid);
  return info.start !== null && start !== null && start !== info.start;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(info));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Moves a stale lock aside; if a race made us move a fresh one instead, puts it back. */
async function takeOver(path: string, stale: LockInfo, ownNonce: string): Promise<void> {
  const aside = `${path}.${ownNonce}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = parseInfo(await readFile(aside, 'utf8').catch(() => ''));
  if (moved && moved.nonce !== stale.nonce) {
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

/** Acquires the lock at `path`; resolves with a release function. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const waitMs = options.waitMs ?? 5 * 60_000;
  // Longer than a holder can live: a passphrase prompt and up to 3 refused MFA codes, each asked
  // up to 3 times with 3 minutes per answer, is 30 minutes. Only holders on another host, whose
  // pid cannot be probed, ever wait this out.
  const staleAfterMs = options.staleAfterMs ?? 40 * 60_000;
  await ensurePrivateDir(dirname(path));
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    start: processStartTime(process.pid),
    created: Date.now(),
    nonce: randomBytes(8).toString('hex'),
  };
  const deadline = Date.now() + waitMs;
  let waiting = false;
  let lastHolder: LockInfo | undefined;
  for (;;) {
    info.created = Date.now();
    if (await tryCreate(path, info)) break;
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released between our two calls
    const holder = parseInfo(text);
    if (holder) {
      lastHolder = holder;
      if (isStale(holder, Date.now(), staleAfterMs)) {
        await takeOver(path, holder, info.nonce);
        continue;
      }
    } else {
      // Written but not yet filled in by its creator, or garbage: garbage older than a few
      // seconds is taken over.
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 5000) {
        await takeOver(path, { pid: -1, host: '', start: null, created: 0, nonce: '' }, info.nonce);
        continue;
      }
    }
    if (!waiting) {
      waiting = true;
      if (holder) options.onWait?.(holder.pid);
    }
    if (Date.now() >= deadline) {
      if (options.busyError) throw options.busyError(lastHolder?.pid);
      throw new UserError(
        `another rolegate process${lastHolder ? ` (pid ${lastHolder.pid})` : ''} has been refreshing these credentials for over ${Math.round(waitMs / 1000)} s`,
        { next: `finish or cancel that process (its MFA prompt may be waiting), or remove ${path} if it is stuck` },
      );
    }
    await sleep(POLL_MS + Math.floor(Math.random() * POLL_MS));
  }
  return async () => {
    const current = parseInfo(await readFile(path, 'utf8').catch(() => ''));
    if (current?.nonce === info.nonce) await rm(path, { force: true });
  };
}

export async function withLock<T>(path: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
  const release = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await release();
  }
}
