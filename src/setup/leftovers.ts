/**
 * Teardown's last part: rolegate's own files on this machine that served the setup torn down.
 *   - always, for the setup's profiles: their shortcut and endpoint notes, the AWS CLI's cache
 *     entry of a guide-layout admin role, a console identity's sign-in (aws login's cache) and
 *     rolegate's copy of its credentials, the MFA device's last-window record, lock files a
 *     killed process left under their names (a lock a live process holds stays), and the journal
 *     entry of an unfinished rotation of the setup's user's key (its keys are gone with it);
 *   - once no setup is left on this machine (no profile of rolegate's in the config file, no
 *     record of profiles before setup, no key in keys.enc): the backups of the shared files
 *     (`*.rolegate.bak`), the key file's lock and the bundle's compiled-code cache;
 *   - always: rolegate's cache and config folders (and their sessions, locks, shortcuts) when
 *     nothing is left in them. Other setups' sessions, notes and records are never touched.
 */
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SharedProfiles } from '../config/profiles.js';

export interface Leftovers {
  /** Files of the setup's profiles: shortcut notes, an AWS CLI cache entry. */
  files: string[];
  /** Lock files under the setup's names. */
  locks: string[];
  /** An unfinished rotation of the setup's key profile: its keys go with the user, so its journal entry does too. */
  rotation?: { profile: string; userName: string };
}

/** What belongs to the setup of these profiles; read before its profiles are removed. */
export async function setupLeftovers(
  shared: SharedProfiles,
  profiles: { read?: string; admin?: string },
  mfaSerial: string,
  env: NodeJS.ProcessEnv,
  userName?: string,
): Promise<Leftovers> {
  const [{ lockFile, mfaWindowFile }, { shortcutFile }, { endpointNoteFile }, { sessionEntryName, roleEntryName }] = await Promise.all([
    import('../files/rolegatePaths.cjs'),
    import('../cache/credentialProcessShortcut.cjs'),
    import('../cache/endpointNote.cjs'),
    import('../cache/sessionCache.js'),
  ]);
  const files: string[] = [];
  const locks: string[] = [];
  if (profiles.read !== undefined) {
    files.push(shortcutFile(profiles.read, env), endpointNoteFile(profiles.read, env));
    locks.push(lockFile(sessionEntryName(profiles.read), env));
    // a console identity (setup --identity console): its sign-in (aws login's cache, useless once
    // the user is gone), what rolegate handed out from it, and its refresh lock
    const loginSession = shared.config.get(profiles.read)?.login_session;
    if (typeof loginSession === 'string' && loginSession.trim() !== '') {
      const [{ loginCacheFile }, { handoutFile }, { loginLockName }] = await Promise.all([
        import('../sources/login/loginCacheFile.js'),
        import('../sources/login/loginHandout.js'),
        import('../sources/login/loginLock.js'),
      ]);
      files.push(loginCacheFile(loginSession.trim(), env), handoutFile(profiles.read, env));
      locks.push(lockFile(loginLockName(loginSession.trim()), env));
    }
  }
  if (profiles.admin !== undefined) {
    files.push(shortcutFile(profiles.admin, env), endpointNoteFile(profiles.admin, env));
    locks.push(lockFile(roleEntryName(profiles.admin), env));
    try {
      const { describeProfile } = await import('../config/profileSpec.js');
      const spec = describeProfile(shared, profiles.admin);
      if (spec.kind === 'role' && spec.role.layout === 'guide') {
        const { awsCliCacheArgs, awsCliCacheFile, awsCliCacheKey } = await import('../cache/awsCliCache.js');
        files.push(awsCliCacheFile(spec.role, env));
        locks.push(lockFile(`awscli-${awsCliCacheKey(awsCliCacheArgs(spec.role))}`, env));
      }
    } catch {
      // a profile rolegate cannot read as a role has no cache entry of rolegate's
    }
  }
  // the device's last used TOTP window (mfaWindow.ts) and its lock: the device is deleted with the setup
  files.push(mfaWindowFile(mfaSerial, env));
  locks.push(lockFile(`mfa-${mfaSerial}`, env));
  const rotation = profiles.read !== undefined && userName !== undefined ? { profile: profiles.read, userName } : undefined;
  // rotate's lock (one for all setups) when a killed rotate left it; a live rotate keeps it
  if (rotation) locks.push((await import('../setups/rotationJournal.js')).rotationLockPath(env));
  return { files, locks, ...(rotation ? { rotation } : {}) };
}

/** The journal entry of an unfinished rotation of this setup's key (not another user's under the same profile name). */
async function staleRotation(leftovers: Leftovers, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (!leftovers.rotation) return false;
  const { readRotation } = await import('../setups/rotationJournal.js');
  const entry = await readRotation(leftovers.rotation.profile, env).catch(() => undefined);
  return entry !== undefined && entry.userName === leftovers.rotation.userName;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A folder holding nothing but empty folders (absent: false). */
async function emptyTree(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) if (!entry.isDirectory() || !(await emptyTree(join(dir, entry.name)))) return false;
  return true;
}

/** Whether any rolegate setup is still on this machine (after the teardown's other removals). */
export async function anySetupLeft(env: NodeJS.ProcessEnv): Promise<boolean> {
  const [{ readSharedProfiles }, { profilesBeforePath }, { fileStoreProfiles }] = await Promise.all([
    import('../config/profiles.js'),
    import('./profilesBefore.js'),
    import('../keys/fileKeyStore.js'),
  ]);
  if (await exists(profilesBeforePath(env))) return true;
  if ((await fileStoreProfiles(env)).length > 0) return true;
  const shared = await readSharedProfiles(env);
  for (const values of shared.config.values()) {
    for (const [key, value] of Object.entries(values)) {
      if (key.startsWith('rolegate_')) return true;
      if (key === 'credential_process' && typeof value === 'string' && value.includes('credential-process')) return true;
    }
  }
  return false;
}

async function rolegateFolders(env: NodeJS.ProcessEnv): Promise<string[]> {
  const { rolegateCacheDir, rolegateConfigDir } = await import('../files/rolegatePaths.cjs');
  const cache = rolegateCacheDir(env);
  // the deepest first, so a parent is empty when its turn comes
  return [join(cache, 'sessions'), join(cache, 'locks'), join(cache, 'shortcuts'), join(cache, 'mfa'), cache, rolegateConfigDir(env)];
}

/** The compiled-code cache of the bundle's hot path (files/codeCache.cts): a cache of rolegate itself, kept while any setup is. */
async function codeCacheDir(env: NodeJS.ProcessEnv): Promise<string> {
  const { rolegateCacheDir } = await import('../files/rolegatePaths.cjs');
  return join(rolegateCacheDir(env), 'code');
}

async function backupFiles(env: NodeJS.ProcessEnv): Promise<string[]> {
  const { sharedFileBackupPath } = await import('../config/sharedFileEditor.js');
  return [await sharedFileBackupPath('config', env), await sharedFileBackupPath('credentials', env)];
}

/** Whether teardown has anything of these left to remove (so a rerun still clears them). */
export async function leftoversPresent(leftovers: Leftovers, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const path of [...leftovers.files, ...leftovers.locks]) if (await exists(path)) return true;
  if (await staleRotation(leftovers, env)) return true;
  for (const dir of await rolegateFolders(env)) if (await emptyTree(dir)) return true;
  if (await anySetupLeft(env)) return false;
  for (const path of await backupFiles(env)) if (await exists(path)) return true;
  return exists(await codeCacheDir(env));
}

/** A lock file goes only when no live process holds it: taking it over proves that, releasing removes it. */
async function removeStaleLock(path: string): Promise<void> {
  if (!(await exists(path))) return;
  const { acquireLock } = await import('../files/refreshLock.js');
  try {
    const release = await acquireLock(path, { waitMs: 0 });
    await release();
  } catch {
    // held by a live process: it removes the lock itself when done
  }
}

export async function removeLeftovers(leftovers: Leftovers, env: NodeJS.ProcessEnv): Promise<void> {
  for (const path of leftovers.files) await rm(path, { force: true });
  for (const path of leftovers.locks) await removeStaleLock(path);
  if (leftovers.rotation && (await staleRotation(leftovers, env))) {
    const { clearRotation } = await import('../setups/rotationJournal.js');
    await clearRotation(leftovers.rotation.profile, env);
  }
  if (!(await anySetupLeft(env))) {
    const { lockFile } = await import('../files/rolegatePaths.cjs');
    await removeStaleLock(lockFile('keys.enc', env));
    for (const path of await backupFiles(env)) await rm(path, { force: true });
    await rm(await codeCacheDir(env), { recursive: true, force: true });
  }
  for (const dir of await rolegateFolders(env)) await removeEmptyFolders(dir);
}

/** Removes the folder and the empty folders in it, one rmdir at a time: a file written meanwhile stays. */
async function removeEmptyFolders(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyFolders(join(dir, entry.name));
  await rmdir(dir).catch(() => undefined); // not empty: something of another setup's, or new
}
