/**
 * Reading a cache file only when nobody else could have put it there: it belongs to this user
 * (root may read any user's, as under sudo with HOME kept) and no other user may write to it.
 * Otherwise another user could plant credentials of their own account for us to serve. CommonJS,
 * for the credential-process hot path; the checks cost one fstat on the descriptor read anyway.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

export class UntrustedFileError extends Error {
  readonly code = 'EUNTRUSTED';
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

/** The file's text, or undefined when it does not exist; throws UntrustedFileError (see above). */
export function readTrustedFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const why = distrust(fstatSync(fd));
    if (why) throw new UntrustedFileError(why);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
