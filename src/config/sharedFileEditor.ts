// Editing the shared config or credentials file: lock, read, parse, edit, back up, write
// atomically. The lock and atomic-write modules are imported only here, and only when needed.
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, realpath, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../userError.js';
import { SharedFileDocument, type ProfileDocument, type SharedFileKind } from './profileDocument.js';
import { sharedFilePaths } from './sharedFilePaths.js';
import { decodeSharedText, displayPath, withParseErrors } from './sharedFileText.js';

export type { ProfileDocument, SharedFileKind } from './profileDocument.js';

/** Suffix of the copy of the previous version kept beside an edited file. */
export const BACKUP_SUFFIX = '.rolegate.bak';
const LOCK_SUFFIX = '.rolegate.lock';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Follows a symlinked file (dotfile managers) so the link stays a link. */
async function targetPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

async function lockFile(path: string, shown: string): Promise<() => Promise<void>> {
  // proper-lockfile is CommonJS: through `default` its functions survive the bundle too (esbuild's
  // split chunk of a CommonJS module exports only `default`)
  const { default: lockfile } = await import('proper-lockfile');
  try {
    return await lockfile.lock(path, {
      realpath: false,
      lockfilePath: path + LOCK_SUFFIX,
      stale: 10_000,
      retries: { retries: 120, factor: 1.2, minTimeout: 10, maxTimeout: 150 },
      onCompromised: () => {
        // the edit is atomic either way; a compromised lock only means we waited too long
      },
    });
  } catch (error) {
    if (errorCode(error) === 'ELOCKED') {
      throw new UserError(`another process is editing ${shown} and did not finish in time`, {
        next: `try again; if no rolegate is running, remove ${shown}${LOCK_SUFFIX}`,
        cause: error,
      });
    }
    throw new UserError(`cannot lock ${shown} for editing (${errorCode(error) ?? 'error'})`, {
      next: `check that you may write to the folder ${dirname(shown)}`,
      cause: error,
    });
  }
}

async function fsyncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not every platform lets a folder be fsynced; the rename is already atomic
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

/**
 * Lock → read (absent = empty) → parse (error names file and line; file untouched) → edit → if
 * changed: backup `<file>.rolegate.bak`, atomic write (temp file in the same folder, fsync,
 * rename), mode 0600 for the credentials file and for files rolegate creates; the parent folder
 * is created 0700 when missing.
 */
export interface EditOptions {
  /**
   * When the edit leaves nothing but white space, remove the file (after the usual backup) rather
   * than keep an empty one: teardown's way of leaving no file where setup created one.
   */
  removeWhenEmptied?: boolean;
}

export async function editSharedFile(
  kind: SharedFileKind,
  edit: (doc: ProfileDocument) => void | Promise<void>,
  env: NodeJS.ProcessEnv = process.env,
  options: EditOptions = {},
): Promise<{ changed: boolean; path: string }> {
  const paths = sharedFilePaths(env);
  const path = await targetPath(kind === 'config' ? paths.configFile : paths.credentialsFile);
  const shown = displayPath(path, env);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UserError(`cannot create the folder for ${shown} (${errorCode(error) ?? 'error'})`, {
      next: `create ${dirname(shown)} yourself, or point ${kind === 'config' ? 'AWS_CONFIG_FILE' : 'AWS_SHARED_CREDENTIALS_FILE'} elsewhere`,
      cause: error,
    });
  }
  const release = await lockFile(path, shown);
  try {
    let info: Awaited<ReturnType<typeof stat>> | undefined;
    try {
      info = await stat(path);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    if (info && !info.isFile()) {
      throw new UserError(`${shown} is not a regular file`, { next: `move it aside, or point rolegate at the file with ${kind === 'config' ? 'AWS_CONFIG_FILE' : 'AWS_SHARED_CREDENTIALS_FILE'}` });
    }
    let bytes: Buffer = Buffer.alloc(0);
    if (info) {
      try {
        bytes = await readFile(path);
      } catch (error) {
        throw new UserError(`cannot read ${shown} (${errorCode(error) ?? 'error'})`, { next: `check the permissions of ${shown}`, cause: error });
      }
    }
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
    const { default: writeFileAtomic } = await import('write-file-atomic');
    const mode = !info || kind === 'credentials' ? 0o600 : Number(info.mode) & 0o777;
    try {
      if (info) await writeFileAtomic(path + BACKUP_SUFFIX, bytes, { mode: 0o600, fsync: true });
      if (options.removeWhenEmptied && next.trim() === '') await rm(path, { force: true });
      else await writeFileAtomic(path, next, { mode, fsync: true, encoding: 'utf8' });
    } catch (error) {
      throw new UserError(`cannot write ${shown} (${errorCode(error) ?? 'error'}); it was left as it was`, {
        next: `check that you may write to the folder ${dirname(shown)}`,
        cause: error,
      });
    }
    await fsyncFolder(dirname(path));
    return { changed: true, path };
  } finally {
    await release().catch(() => undefined);
  }
}
