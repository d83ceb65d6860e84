/**
 * A cross-process lock around one credential refresh, so that N processes started together spend
 * one MFA code and make one STS call per link of the chain; the others wait, then read the cache.
 * Also the key file's and the rotation's lock.
 *
 * Why pid liveness rather than an mtime heartbeat: the holder may sit in an MFA prompt for minutes
 * while a person finds their phone. A heartbeat needs either a long stale threshold (a killed
 * holder blocks everyone for that long) or a timer that keeps refreshing the mtime (and a blocked
 * event loop then looks like a dead holder). Recording pid, host and the process start time lets a
 * waiter see at once that the holder is gone (killed, crashed, Ctrl-C), and the start time guards
 * against pid reuse. The rule itself is the base module fileLock.ts, shared with the config lock.
 */
import { dirname } from 'node:path';
import { acquireFileLock } from './fileLock.js';
import { ensurePrivateDir } from './privateFile.js';
import { UserError } from '../userError.js';

export { isStale } from './fileLock.js';
export { processStartTime } from './atomicFile.js';

export interface LockOptions {
  /** How long to wait for a live holder before giving up (default 5 minutes). */
  waitMs?: number;
  /** A lock held on another host (whose pid cannot be probed) is stale after this (default 40 minutes). */
  staleAfterMs?: number;
  /** Called once when this process starts waiting for another holder. */
  onWait?: (holderPid: number) => void;
  /** The error thrown when the wait runs out (default: a refresh that takes too long). */
  busyError?: (holderPid: number | undefined) => UserError;
}

/** Acquires the lock at `path`; resolves with a release function. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const waitMs = options.waitMs ?? 5 * 60_000;
  await ensurePrivateDir(dirname(path));
  const lock = await acquireFileLock(path, {
    waitMs,
    // Longer than a holder can live: a passphrase prompt and up to 3 refused MFA codes, each asked
    // up to 3 times with 3 minutes per answer, is 30 minutes.
    staleAfterMs: options.staleAfterMs ?? 40 * 60_000,
    onWait: (pid) => {
      if (pid !== undefined) options.onWait?.(pid);
    },
    busyError:
      options.busyError ??
      ((pid) =>
        new UserError(`another rolegate process${pid !== undefined ? ` (pid ${pid})` : ''} has been refreshing these credentials for over ${Math.round(waitMs / 1000)} s`, {
          next: `finish or cancel that process (its MFA prompt may be waiting), or remove ${path} if it is stuck`,
        })),
    lostError: () => new UserError(`the lock ${path} was taken over by another process`, { next: 'run the command again' }),
  });
  const release = () => lock.release();
  heldCheck.set(release, () => lock.assertHeld());
  return release;
}

export async function withLock<T>(path: string, fn: (assertHeld: () => void) => Promise<T>, options?: LockOptions): Promise<T> {
  const release = await acquireLock(path, options);
  try {
    return await fn(() => heldCheck.get(release)?.());
  } finally {
    await release();
  }
}

/** The "is it still mine" check of each release function handed out (for withLock's writers). */
const heldCheck = new WeakMap<() => Promise<void>, () => void>();
