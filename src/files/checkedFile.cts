/**
 * The one way rolegate reads a file: opened without blocking (a FIFO planted at the path would
 * otherwise hang the open until someone writes to it), checked with fstat on the open descriptor
 * before any byte is read (a regular file, below a size limit for its kind; for files that hold or
 * decide credentials, also owned by this user and not writable by others), then read with a
 * bounded read. Otherwise a FileRefusedError says why. CommonJS and dependency-free: the
 * credential-process cache hit reads through here, and the checks cost no more than the fstat a
 * plain read does anyway.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Why a file was not read. `code` tells the kinds apart for callers that log differently. */
export class FileRefusedError extends Error {
  readonly code: 'EUNTRUSTED' | 'ENOTREGULAR' | 'ETOOBIG' | 'ESYMLINK';
  constructor(message: string, code: FileRefusedError['code']) {
    super(message);
    this.code = code;
  }
}

/** Whether a file or folder owned by `uid` is another user's: not ours, and we are not root. */
export function ownedByAnotherUser(uid: number): boolean {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return false;
  return uid !== process.getuid() && process.getuid() !== 0;
}

/** Why a file or folder with this owner and mode is not to be trusted, or undefined when it is. */
export function distrust(info: { uid: number; mode: number }): string | undefined {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return undefined;
  if (ownedByAnotherUser(info.uid)) return `it belongs to another user (uid ${info.uid})`;
  if ((info.mode & 0o022) !== 0) return `other users may write to it (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`;
  return undefined;
}

export interface ReadLimits {
  /** Refuse a file larger than this. */
  maxBytes: number;
  /** Files that hold or decide credentials: ours (root may read any), and not writable by others. */
  private?: boolean;
  /** Refuse a symlink at the path itself (rolegate's own files are never links). */
  noFollow?: boolean;
}

// Windows has neither flag; its files cannot be FIFOs or symlinks planted this way.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The file's bytes, or undefined when it does not exist; throws FileRefusedError (see above). */
export function readCheckedFile(path: string, limits: ReadLimits): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (limits.noFollow ? O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // O_NOFOLLOW on a symlink: ELOOP on Linux and macOS, EMLINK on FreeBSD
    if (limits.noFollow && (code === 'ELOOP' || code === 'EMLINK')) throw new FileRefusedError('it is a symbolic link', 'ESYMLINK');
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new FileRefusedError(`it is ${kindOf(info)}`, 'ENOTREGULAR');
    if (limits.private) {
      const why = distrust(info);
      if (why) throw new FileRefusedError(why, 'EUNTRUSTED');
    }
    if (info.size > limits.maxBytes) throw new FileRefusedError(`it is larger than ${size(limits.maxBytes)} (${size(info.size)})`, 'ETOOBIG');
    // One byte more than fstat said, to notice a file that grew since; never past the limit.
    let buffer = Buffer.allocUnsafe(Math.min(info.size, limits.maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limits.maxBytes) throw new FileRefusedError(`it is larger than ${size(limits.maxBytes)}`, 'ETOOBIG');
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, limits.maxBytes + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Size limits by kind of file, generous for their content and far below what would hurt. */
export const LIMITS = {
  /** A cache entry or a shortcut note: credentials and a few names (a session token is ~1 KiB). */
  cacheEntry: 64 * 1024,
  /** A lock file: pid, host, start time, nonce. */
  lock: 4 * 1024,
  /** rolegate's records: the key file, the rotation journal, the profiles recorded by setup. */
  record: 4 * 1024 * 1024,
  /** The shared config and credentials files: 8 MiB is some 50,000 profiles. */
  sharedFile: 8 * 1024 * 1024,
  /** A shell history or start-up file scanned by audit. */
  shellFile: 64 * 1024 * 1024,
} as const;

/**
 * A cache file's text, only when nobody else could have put it there: a regular file (not a link)
 * of this user's (root may read any user's, as under sudo with HOME kept) that no other user may
 * write, within the cache-entry limit. Undefined when it does not exist.
 */
export function readTrustedFile(path: string): string | undefined {
  return readCheckedFile(path, { maxBytes: LIMITS.cacheEntry, private: true, noFollow: true })?.toString('utf8');
}
