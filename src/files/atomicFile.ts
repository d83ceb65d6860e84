/**
 * The one way rolegate writes a file (config, credentials, backup, key file, cache, journal,
 * records): a temporary file in the same folder, created exclusively (O_CREAT|O_EXCL, and
 * O_NOFOLLOW) under a name nobody can guess, written, fsynced, renamed over the target, then the
 * folder fsynced where the platform allows (both fsyncs skipped for what can be rebuilt, `durable:
 * false`). A symlink or file planted at the target or at the
 * temporary name cannot redirect the write: rename replaces a link at the target instead of
 * following it, and an exclusive create fails on anything already at the temporary name.
 *
 * Temporary names say who wrote them: `.<name>.rolegate-<host>-<pid>-<start>-<random>.tmp`. A
 * writer killed before its rename leaves one behind; the next write to that folder removes those
 * whose writer is dead (same host, pid gone or reused), and another host's after an hour.
 *
 * The steps are synchronous system calls behind an async interface: these files are small, and on
 * the refresh paths a thread-pool round trip per call (and loading fs/promises) cost more CPU than
 * the write itself. Only the wait for another process (fileLock.ts) is asynchronous.
 */
import { closeSync, constants, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

// Who a process is, in a way that survives pid reuse: pid, host and start time. Temporary names
// carry it, and locks (fileLock.ts) record it, so a later run can tell at once that a writer is dead.

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

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const TEMP_NAME = /^\..*\.rolegate-([0-9a-f]{8})-(\d+)-(\d+|x)-[0-9a-f]{16}\.tmp$/;
/** How long another host's temporary file is left alone (its writer cannot be probed). */
const FOREIGN_TEMP_MS = 60 * 60_000;

let ownTag: string | undefined;

/** An unguessable temporary name beside `path`, recognisable by cleanStaleTemporaries. */
export function temporaryPath(path: string): string {
  ownTag ??= hostTag();
  // keep the name under 255 bytes whatever the target's name
  const base = basename(path).slice(0, 120);
  return join(dirname(path), `.${base}.rolegate-${ownTag}-${process.pid}-${ownStartTime() ?? 'x'}-${randomBytes(8).toString('hex')}.tmp`);
}

/** Whether a name in a folder is a temporary file some rolegate left (for tests and cleanup). */
export function isTemporaryName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Removes the temporary files in `dir` whose writer is dead. Best effort: a folder that cannot be
 * read, or a file that is already gone, is no error.
 */
export async function cleanStaleTemporaries(dir: string, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  ownTag ??= hostTag();
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const [, tag, pid, start] = match;
    const path = join(dir, name);
    let stale: boolean;
    if (tag === ownTag) stale = isDeadHere(Number(pid), start === 'x' ? null : start!);
    else stale = foreignTempIsOld(path, now);
    if (stale) removeQuietly(path);
  }
}

function foreignTempIsOld(path: string, now: number): boolean {
  try {
    return now - lstatSync(path).mtimeMs > FOREIGN_TEMP_MS;
  } catch {
    return false;
  }
}

/** Removes a file; one already gone is no error (unlink, not rmSync, which loads a module of its own). */
export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Removes a file; one already gone, or that cannot be removed, is no error. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // best effort
  }
}

export async function fsyncFolder(folder: string): Promise<void> {
  try {
    const fd = openSync(folder, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every platform lets a folder be opened or fsynced (EISDIR, EINVAL, EPERM); the rename
    // is atomic either way, only its durability across a power cut is then the file system's
  }
}

export interface AtomicWriteOptions {
  /** The new file's mode (set explicitly: the umask does not narrow it). */
  mode: number;
  /** Owner to give the new file, when root rewrites a user's file (EPERM is ignored). */
  owner?: { uid: number; gid: number };
  /**
   * Runs after the data is on disk, right before the rename; throwing aborts the write (the
   * temporary file is removed and the target left as it was). Lock holders check here that the
   * lock is still theirs.
   */
  beforeRename?: () => void | Promise<void>;
  /**
   * false for a cache that can be rebuilt (temporary credentials, notes): neither the file nor its
   * folder is fsynced, so a power cut right after may lose the new entry or leave it empty or torn
   * (it costs a refresh: a reader validates what it reads and ignores a damaged entry). The write
   * is atomic all the same for every process that reads it. On the hourly role refresh, the two
   * fsyncs (role entry, shortcut note) cost more CPU than the rest of the write.
   */
  durable?: boolean;
}

/** Writes `data` to `path` atomically (see above). On failure the target is left as it was. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const dir = dirname(path);
  await cleanStaleTemporaries(dir);
  const temp = temporaryPath(path);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, options.mode);
  let renamed = false;
  try {
    try {
      fchmodSync(fd, options.mode);
      if (options.owner) {
        try {
          fchownSync(fd, options.owner.uid, options.owner.gid);
        } catch {
          // EPERM: not root; the file stays ours
        }
      }
      writeFileSync(fd, data);
      if (options.durable !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    await options.beforeRename?.();
    renameSync(temp, path);
    renamed = true;
  } finally {
    if (!renamed) removeQuietly(temp);
  }
  if (options.durable !== false) await fsyncFolder(dir);
}
