/**
 * Who leads a burst. When many processes miss the cache for one profile at the same moment (20
 * `aws` calls started together, each running credential-process), the first to miss leaves a
 * marker, `locks/<profile>.leader` ({"pid","created"}), and takes the full path, which refreshes
 * under the real locks (refreshLock.ts) and leaves the shortcut note. The others wait here, in the
 * CommonJS fast path, re-reading the note, instead of each loading the full path (ES modules,
 * config parser, chain) only to wait on the lock. The marker only saves work: a waiter that is not
 * answered by the time the leader is gone (it failed, or was killed) takes the full path, whose
 * locks keep every rule. Bounded: a marker older than 5 minutes, or whose process is gone, is stale.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readlinkSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { lockDir, safeName } from './rolegatePaths.cjs';

/** As long as a refresh may hold its lock (refreshLock.ts). */
export const LEADER_WAIT_MS = 5 * 60_000;
const POLL_MS = 40;

export function leaderFile(profile: string, env: NodeJS.ProcessEnv): string {
  return join(lockDir(env), `${safeName(profile)}.leader`);
}

/**
 * The marker is a symbolic link whose target is its content, `{"pid","created"}`: made in one step
 * that fails if a marker is there, so no waiter ever reads it half-made (it would take the leader
 * for gone and lead too) and a kill leaves a whole marker or none, never a temporary file. Where no
 * link can be made (Windows without the privilege), a file created exclusively and written at once.
 */
function makeMarker(file: string, content: string): void {
  try {
    symlinkSync(content, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
  }
}

/** A marker's content: the link's target, or the file's text (a file marker, as older versions made). */
function readMarker(file: string): string {
  try {
    return readlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    return readFileSync(file, 'utf8');
  }
}

function holder(file: string, now: number): { pid: number } | undefined {
  try {
    const text = readMarker(file);
    const info = JSON.parse(text) as { pid?: unknown; created?: unknown };
    if (typeof info.pid !== 'number' || typeof info.created !== 'number' || now - info.created > LEADER_WAIT_MS) return undefined;
    process.kill(info.pid, 0);
    return { pid: info.pid };
  } catch (error) {
    // EPERM: alive, another user's (not expected in our own 0700 folder, but alive all the same)
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? { pid: -1 } : undefined;
  }
}

/** Leaves the marker (this process leads: it takes the full path); false when another process leads. */
function lead(file: string): boolean {
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    makeMarker(file, JSON.stringify({ pid: process.pid, created: Date.now() }));
    process.once('exit', () => {
      try {
        if ((JSON.parse(readMarker(file)) as { pid?: unknown }).pid === process.pid) unlinkSync(file);
      } catch {
        // gone already
      }
    });
    return true;
  } catch {
    return false;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * On a miss for `profile`: lead (return false: take the full path now; not for a command that lives
 * on, exec, whose marker would outlast its refresh), or wait for the live leader
 * and ask `again` every few ms until it answers (its answer is returned), the leader is gone, or the
 * bound passes (false: take the full path).
 */
export function waitForLeader<T>(profile: string, env: NodeJS.ProcessEnv, again: () => T | false, options: { mayLead: boolean; onWait?: (pid: number) => void }): T | false {
  const file = leaderFile(profile, env);
  // a leader that ended between this process's miss and its own marker left the note: one more look
  if (options.mayLead ? lead(file) : !holder(file, Date.now())) return options.mayLead ? again() : false;
  const started = Date.now();
  const leader = holder(file, started);
  if (!leader) {
    // a leader that is gone: its marker goes, and this process leads
    try {
      unlinkSync(file);
    } catch {
      // another waiter took it away
    }
    return options.mayLead && lead(file) ? again() : false;
  }
  options.onWait?.(leader.pid);
  while (Date.now() - started < LEADER_WAIT_MS) {
    Atomics.wait(sleeper, 0, 0, POLL_MS);
    const answer = again();
    if (answer !== false) return answer;
    if (!holder(file, Date.now())) return again();
  }
  return false;
}
