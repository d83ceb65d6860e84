/**
 * Who a process is, in a way that survives pid reuse: pid, host and start time. Locks record it,
 * and temporary file names carry it, so a later run can tell at once that their writer is dead.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/** The start time of a process (Linux: field 22 of /proc/PID/stat, in clock ticks since boot). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let ownStart: string | null | undefined;
/** This process's start time (read once). */
export function ownStartTime(): string | null {
  if (ownStart === undefined) ownStart = processStartTime(process.pid);
  return ownStart;
}

/** A short tag of this host's name, for file names (the name itself may hold anything). */
export function hostTag(host = hostname()): string {
  return createHash('sha256').update(host).digest('hex').slice(0, 8);
}

/**
 * Whether a process recorded on this host is gone: its pid is not running, or runs a process that
 * started at another time (the pid was reused). Without a start time (no /proc), a running pid
 * counts as alive.
 */
export function isDeadHere(pid: number, start: string | null): boolean {
  if (!isAlive(pid)) return true;
  const now = processStartTime(pid);
  return start !== null && now !== null && now !== start;
}
