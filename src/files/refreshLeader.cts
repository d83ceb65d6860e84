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
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { lockDir, safeName } from './rolegatePaths.cjs';

/** As long as a refresh may hold its lock (refreshLock.ts). */
export const LEADER_WAIT_MS = 5 * 60_000;
const POLL_MS = 40;

export function leaderFile(profile: string, env: NodeJS.ProcessEnv): string {
  return join(lockDir(env), `${safeName(profile)}.leader`);
}

/**
 * How long an empty marker counts as a leader's: its leader creates it (exclusively) and writes it at
 * once, so a waiter may read it in between; one a killed leader left empty is stale after this.
 */
const EMPTY_MARKER_MS = 2_000;

/** The live leader (`pid` undefined: its marker is not written yet), or undefined: none. */
function holder(file: string, now: number): { pid: number | undefined } | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    if (text === '') return now - statSync(file).mtimeMs < EMPTY_MARKER_MS ? { pid: undefined } : undefined;
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
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, created: Date.now() }));
    } finally {
      closeSync(fd);
    }
    process.once('exit', () => {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid === process.pid) unlinkSync(file);
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
  if (options.mayLead ? lead(file) : !holder(file, Date.now())) return false;
  const started = Date.now();
  const leader = holder(file, started);
  if (!leader) {
    // a leader that is gone: its marker goes, and this process leads
    try {
      unlinkSync(file);
    } catch {
      // another waiter took it away
    }
    if (options.mayLead) lead(file);
    return false;
  }
  // a marker not written yet: its pid, for the message, once its leader has written it
  for (let tries = 0; leader.pid === undefined && tries < 50; tries++) {
    Atomics.wait(sleeper, 0, 0, 2);
    leader.pid = holder(file, Date.now())?.pid;
  }
  if (leader.pid !== undefined) options.onWait?.(leader.pid);
  while (Date.now() - started < LEADER_WAIT_MS) {
    Atomics.wait(sleeper, 0, 0, POLL_MS);
    const answer = again();
    if (answer !== false) return answer;
    if (!holder(file, Date.now())) return again();
  }
  return false;
}
