// Editing the shared config or credentials file: lock, read, parse, edit, back up, write
// atomically. The lock and the writer are rolegate's own base modules (fileLock.ts, atomicFile.ts):
// see there why neither a planted link nor a paused process can make an edit land elsewhere or
// be lost.
import { constants } from 'node:fs';
import { access, lstat, mkdir, open, readlink, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../userError.js';
import { LIMITS, ownedByAnotherUser } from '../files/checkedFile.cjs';
import { writeFileAtomic } from '../files/atomicFile.js';
import { acquireFileLock, type HeldLock } from '../files/fileLock.js';
import { SharedFileDocument, type ProfileDocument, type SharedFileKind } from './profileDocument.js';
import { sharedFilePaths } from './sharedFilePaths.js';
import { decodeSharedText, displayPath, withParseErrors } from './sharedFileText.js';

export type { ProfileDocument, SharedFileKind } from './profileDocument.js';

/** Suffix of the copy of the previous version kept beside an edited file. */
export const BACKUP_SUFFIX = '.rolegate.bak';
export const LOCK_SUFFIX = '.rolegate.lock';

/** How long an edit waits for another live editor (an edit takes milliseconds; a paused one may not). */
const LOCK_WAIT_MS = 30_000;
/** Another host's lock (a home folder on NFS) is taken over after this; one on this host only when its holder is dead. */
const LOCK_STALE_OTHER_HOST_MS = 10 * 60_000;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The file to edit when the configured path is a symlink (a dotfile manager's): the link stays a
 * link, and the edit, its backup and its lock go beside the file it points at. The rule: the chain
 * is followed only through links that belong to this user (root follows any), at most 40 of them;
 * a link of another user's is refused, since whoever owns it could point it at any file of ours.
 * The resolved path is then opened with O_NOFOLLOW and replaced by rename, so a link swapped in
 * after this check is not followed either. A dangling link is followed to where it points: the
 * file is created there.
 */
async function targetPath(path: string, shown: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops <= 40; hops++) {
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return current;
      throw error;
    }
    if (!info.isSymbolicLink()) return current;
    if (ownedByAnotherUser(info.uid)) {
      throw new UserError(`${shown} leads through a symbolic link that belongs to another user (${current}, uid ${info.uid}); rolegate does not write through it`, {
        next: `replace the link with a file or a link of your own`,
      });
    }
    current = resolve(dirname(current), await readlink(current));
  }
  throw new UserError(`${shown} is a chain of more than 40 symbolic links`, { next: `point it at the file directly` });
}

async function lockFile(path: string, shown: string, waitMs: number): Promise<HeldLock> {
  try {
    return await acquireFileLock(path + LOCK_SUFFIX, {
      waitMs,
      staleAfterMs: LOCK_STALE_OTHER_HOST_MS,
      busyError: (pid) =>
        new UserError(`another process${pid !== undefined ? ` (pid ${pid})` : ''} is editing ${shown} and did not finish within ${Math.round(waitMs / 1000)} s`, {
          next: `let it finish (or stop it) and try again; if no rolegate is running, remove ${shown}${LOCK_SUFFIX}`,
        }),
      lostError: () =>
        new UserError(`the lock on ${shown} was taken over by another process while this edit waited; rolegate did not write`, {
          next: `check ${shown}, then run the command again`,
        }),
    });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot lock ${shown} for editing (${errorCode(error) ?? 'error'})`, {
      next: `check that you may write to the folder ${dirname(shown)}`,
      cause: error,
    });
  }
}

/** The file's bytes and its fstat, or undefined when absent; never blocks, never follows a link. */
async function readCurrent(path: string, shown: string, kind: SharedFileKind) {
  const variable = kind === 'config' ? 'AWS_CONFIG_FILE' : 'AWS_SHARED_CREDENTIALS_FILE';
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    if (errorCode(error) === 'ELOOP' || errorCode(error) === 'EMLINK') {
      throw new UserError(`${shown} was replaced by a symbolic link while rolegate opened it; it did not change it`, { next: 'check the file and run the command again' });
    }
    throw new UserError(`cannot read ${shown} (${errorCode(error) ?? 'error'})`, { next: `check the permissions of ${shown}`, cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new UserError(`${shown} is not a regular file`, { next: `move it aside, or point rolegate at the file with ${variable}` });
    }
    if (info.size > LIMITS.sharedFile) {
      throw new UserError(`${shown} is larger than ${LIMITS.sharedFile / 1024 / 1024} MiB; rolegate does not edit a file that size`, {
        next: `check what filled it; an AWS ${kind} file is rarely over a few hundred KiB`,
      });
    }
    const bytes = Buffer.alloc(info.size);
    let length = 0;
    while (length < bytes.length) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { info, bytes: bytes.subarray(0, length) };
  } finally {
    await handle.close();
  }
}

async function isReadOnly(path: string, mode: number): Promise<boolean> {
  if ((mode & 0o200) === 0) return true; // even root honours a file its owner marked read-only
  try {
    await access(path, constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/** Values that are secrets: a backup keeps none that the edited file no longer holds. */
const SECRET_KEYS = ['aws_secret_access_key', 'aws_session_token'];

function secretValues(doc: SharedFileDocument): Set<string> {
  const values = new Set<string>();
  for (const profile of doc.profileValues().values()) {
    for (const key of SECRET_KEYS) {
      const value = Object.hasOwn(profile, key) ? profile[key] : undefined;
      if (typeof value === 'string' && value.trim()) values.add(value.trim());
    }
  }
  return values;
}

/**
 * The backup of the previous version: its bytes, except that a secret the edit took out of the
 * file (a key moved into a store, a key teardown removed) is not kept there either: the lines that
 * hold it are left out. Undefined when the secret cannot be left out that way (no backup then).
 */
function backupBytes(kind: SharedFileKind, text: string, bytes: Buffer, edited: SharedFileDocument): Buffer | undefined {
  if (!/aws_secret_access_key|aws_session_token/i.test(text)) return bytes;
  const kept = secretValues(edited);
  const removed = [...secretValues(new SharedFileDocument(kind, text))].filter((value) => !kept.has(value));
  if (removed.length === 0) return bytes;
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const holdsRemoved = (line: string) => {
    const entry = /^\s*([^=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    return entry !== null && SECRET_KEYS.includes(entry[1]!.toLowerCase()) && removed.includes(entry[2]!);
  };
  const backup = lines.filter((line) => !holdsRemoved(line)).join('');
  try {
    const left = secretValues(new SharedFileDocument(kind, backup));
    if (removed.some((secret) => left.has(secret))) return undefined;
  } catch {
    return undefined; // what is left would not parse: no backup rather than a wrong one
  }
  return Buffer.from(backup, 'utf8');
}

/** Where the backup of the config or credentials file is kept (beside the file a symlink leads to). */
export async function sharedFileBackupPath(kind: SharedFileKind, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const paths = sharedFilePaths(env);
  const configured = kind === 'config' ? paths.configFile : paths.credentialsFile;
  const target = await targetPath(configured, displayPath(configured, env)).catch(() => resolve(configured));
  return target + BACKUP_SUFFIX;
}

export interface EditOptions {
  /**
   * When the edit leaves nothing but white space, remove the file (after the usual backup) rather
   * than keep an empty one: teardown's way of leaving no file where setup created one.
   */
  removeWhenEmptied?: boolean;
  /** How long to wait for another editor's lock (default 30 s). */
  lockWaitMs?: number;
}

/**
 * Lock → read (absent = empty; never blocks; a FIFO, device or folder, or a file over 8 MiB, is
 * refused) → parse (error names file and line; file untouched) → edit → if changed: backup
 * `<file>.rolegate.bak`, atomic write (atomicFile.ts), mode 0600 for the credentials file and for
 * files rolegate creates, the file's own mode (and owner, under root) otherwise; the parent folder
 * is created 0700 when missing. Right before each rename, the lock is checked to be still ours:
 * an editor whose lock was taken over writes nothing and fails.
 */
export async function editSharedFile(
  kind: SharedFileKind,
  edit: (doc: ProfileDocument) => void | Promise<void>,
  env: NodeJS.ProcessEnv = process.env,
  options: EditOptions = {},
): Promise<{ changed: boolean; path: string }> {
  const paths = sharedFilePaths(env);
  const configured = kind === 'config' ? paths.configFile : paths.credentialsFile;
  const path = await targetPath(configured, displayPath(configured, env));
  const shown = displayPath(path, env);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UserError(`cannot create the folder for ${shown} (${errorCode(error) ?? 'error'})`, {
      next: `create ${dirname(shown)} yourself, or point ${kind === 'config' ? 'AWS_CONFIG_FILE' : 'AWS_SHARED_CREDENTIALS_FILE'} elsewhere`,
      cause: error,
    });
  }
  const lock = await lockFile(path, shown, options.lockWaitMs ?? LOCK_WAIT_MS);
  try {
    const current = await readCurrent(path, shown, kind);
    const info = current?.info;
    const bytes = current?.bytes ?? Buffer.alloc(0);
    const text = decodeSharedText(path, bytes, env);
    const doc = withParseErrors(path, text, () => new SharedFileDocument(kind, text), env);
    await edit(doc);
    const next = doc.text();
    if (next === text) return { changed: false, path };

    if (info && (await isReadOnly(path, Number(info.mode)))) {
      throw new UserError(`${shown} is read-only; rolegate did not change it`, {
        next: `make it writable (chmod u+w ${shown}) and run the command again`,
      });
    }
    const mode = !info || kind === 'credentials' ? 0o600 : Number(info.mode) & 0o777;
    const owner = info ? { uid: Number(info.uid), gid: Number(info.gid) } : undefined;
    const stillLocked = () => lock.assertHeld();
    try {
      if (info) {
        const backup = backupBytes(kind, text, bytes, doc);
        if (backup) await writeFileAtomic(path + BACKUP_SUFFIX, backup, { mode: 0o600, owner, beforeRename: stillLocked });
        else await rm(path + BACKUP_SUFFIX, { force: true });
      }
      if (options.removeWhenEmptied && next.trim() === '') {
        stillLocked();
        await rm(path, { force: true });
      } else {
        await writeFileAtomic(path, next, { mode, owner, beforeRename: stillLocked });
      }
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`cannot write ${shown} (${errorCode(error) ?? 'error'}); it was left as it was`, {
        next: `check that you may write to the folder ${dirname(shown)}`,
        cause: error,
      });
    }
    return { changed: true, path };
  } finally {
    await lock.release().catch(() => undefined);
  }
}
