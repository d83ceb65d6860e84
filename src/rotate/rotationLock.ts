/**
 * One rotation at a time per machine. It is the refresh lock (pid, host and start time, so a lock
 * left by a killed rotate is taken over at once), but a second rotate is refused rather than made
 * to wait: two rotations one after the other would replace the key twice.
 */
import { acquireLock } from '../files/refreshLock.js';
import { UserError } from '../userError.js';
import { rotationLockPath } from '../setups/rotationJournal.js';

/** A rotate (with its MFA prompt and up to two minutes of proving the new key) stays well inside this. */
const STALE_AFTER_MS = 6 * 60 * 60_000;

export { rotationLockPath };

export async function acquireRotationLock(env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  const path = rotationLockPath(env);
  return acquireLock(path, {
    waitMs: 0,
    staleAfterMs: STALE_AFTER_MS,
    busyError: (pid) =>
      new UserError(`another rolegate rotate is running${pid === undefined ? '' : ` (pid ${pid})`}`, {
        next: `wait for it to finish; if no rotate is running, delete ${path} and run rolegate rotate again`,
      }),
  });
}
