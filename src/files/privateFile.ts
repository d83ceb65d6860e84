/**
 * Files that hold secrets or temporary credentials: written atomically (an exclusive, unguessable
 * temporary file in the same folder, fsync, rename, folder fsync), mode 0600, in a folder created
 * 0700. Reads (readOptionalFile) return undefined when absent, and refuse what is not a private
 * regular file.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomicFile.js';
import { UserError } from '../userError.js';
import { ownedByAnotherUser } from './checkedFile.cjs';

export interface PrivateDirOptions {
  /**
   * false for a folder the person chose (ROLEGATE_KEY_FILE's): it is created 0700 when missing but
   * otherwise left as it is, since it may hold other things of theirs.
   */
  tighten?: boolean;
}

/**
 * Creates `dir` (0700) or makes an existing one private. A folder that others can write to lets
 * them plant a cache entry (credentials of their own account) or remove a lock, so one left open
 * (0755 by an older tool, 0777 by a umask) is closed, and one that belongs to another user is
 * refused: rolegate cannot close it. Reads check each file as well (checkedFile.cts).
 */
export async function ensurePrivateDir(dir: string, options: PrivateDirOptions = {}): Promise<void> {
  // synchronous, as atomicFile.ts: a thread-pool round trip costs more than the call
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (options.tighten === false || process.platform === 'win32' || typeof process.getuid !== 'function') return;
  const info = statSync(dir);
  // root may use a user's folder (sudo with HOME kept, a container with the home mounted)
  if (ownedByAnotherUser(info.uid)) {
    throw new UserError(`the folder ${dir} belongs to another user (uid ${info.uid}), who could change the credentials in it`, {
      next: `remove the folder or make it yours (chown), then run rolegate again`,
    });
  }
  if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Writes a private file atomically (see atomicFile.ts: no planted link or file can redirect it), mode 0600. */
export async function writePrivateFile(
  path: string,
  data: string | Uint8Array,
  options: PrivateDirOptions & { beforeRename?: () => void; durable?: boolean } = {},
): Promise<void> {
  await ensurePrivateDir(dirname(path), options);
  await writeFileAtomic(path, data, { mode: 0o600, beforeRename: options.beforeRename, durable: options.durable });
}
