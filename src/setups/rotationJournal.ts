/**
 * The rotation journal: what a rotation has done so far, so that a rotation killed between two
 * steps is finished or rolled back by the next `rolegate rotate`. It holds key ids and names only,
 * never a secret. One entry per profile, in `$XDG_CONFIG_HOME/rolegate/rotate.json`
 * (`~/.config/rolegate/rotate.json`), mode 0600.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../files/atomicFile.js';
import { quotePosix } from '../shellQuote.js';
import { rolegateConfigDir } from '../files/rolegatePaths.cjs';
import { readOptionalFile } from '../files/readOptionalFile.js';

/** The last step that is known to be complete. */
export type RotationStep = 'started' | 'created' | 'proven' | 'stored' | 'deactivated';

export interface RotationEntry {
  profile: string;
  store: string;
  userName: string;
  /** The key the store held when the rotation began. */
  oldAccessKeyId: string;
  /** Set as soon as CreateAccessKey has answered. */
  newAccessKeyId?: string;
  /** Every key the user had just before CreateAccessKey (tells a key we created from others). */
  keysBefore: string[];
  step: RotationStep;
  startedAt: string;
  updatedAt: string;
}

interface JournalFile {
  version: 1;
  rotations: Record<string, RotationEntry>;
}

/** rolegate's config folder (beside the encrypted key file): $XDG_CONFIG_HOME/rolegate. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return rolegateConfigDir(env);
}

export function journalPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'rotate.json');
}

/** The lock that lets one rotation run at a time (rotate/rotationLock.ts takes it). */
export function rotationLockPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'rotate.lock');
}

async function readJournal(env: NodeJS.ProcessEnv): Promise<JournalFile> {
  // never blocks on a FIFO, refuses a device or another user's file (a UserError naming it)
  const text = await readOptionalFile(journalPath(env));
  if (text === undefined) return { version: 1, rotations: {} };
  try {
    const parsed = JSON.parse(text) as JournalFile;
    if (parsed && typeof parsed === 'object' && parsed.rotations && typeof parsed.rotations === 'object') {
      return { version: 1, rotations: parsed.rotations };
    }
  } catch {
    // fall through
  }
  throw new Error(`the rotation journal ${journalPath(env)} is not valid JSON`);
}

async function writeJournal(env: NodeJS.ProcessEnv, journal: JournalFile): Promise<void> {
  const path = journalPath(env);
  if (Object.keys(journal.rotations).length === 0) {
    await rm(path, { force: true });
    return;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, JSON.stringify(journal, null, 2) + '\n', { mode: 0o600 });
}

export async function readRotation(profile: string, env: NodeJS.ProcessEnv = process.env): Promise<RotationEntry | undefined> {
  return (await readJournal(env)).rotations[profile];
}

export async function writeRotation(entry: RotationEntry, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const journal = await readJournal(env);
  journal.rotations[entry.profile] = { ...entry, updatedAt: new Date().toISOString() };
  await writeJournal(env, journal);
}

export async function clearRotation(profile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const journal = await readJournal(env);
  if (!(profile in journal.rotations)) return;
  delete journal.rotations[profile];
  await writeJournal(env, journal);
}

export interface PendingRotation {
  profile: string;
  userName: string;
  oldAccessKeyId: string;
  newAccessKeyId: string | undefined;
  step: RotationStep;
  updatedAt: string;
  /** What to tell the user. */
  next: string;
}

/**
 * Unfinished rotations, for `rolegate status`: empty when there are none. Never throws for a
 * missing journal; a journal it cannot read is reported as one pending entry named `?`.
 */
export async function pendingRotation(env: NodeJS.ProcessEnv = process.env): Promise<PendingRotation[]> {
  let journal: JournalFile;
  try {
    journal = await readJournal(env);
  } catch (error) {
    return [
      {
        profile: '?',
        userName: '?',
        oldAccessKeyId: '?',
        newAccessKeyId: undefined,
        step: 'started',
        updatedAt: '?',
        next: `inspect ${journalPath(env)} (${(error as Error).message}), then run: rolegate rotate`,
      },
    ];
  }
  return Object.values(journal.rotations).map((entry) => ({
    profile: entry.profile,
    userName: entry.userName,
    oldAccessKeyId: entry.oldAccessKeyId,
    newAccessKeyId: entry.newAccessKeyId,
    step: entry.step,
    updatedAt: entry.updatedAt,
    next: entry.profile === 'default' ? 'rolegate rotate' : `rolegate rotate ${quotePosix(entry.profile)}`,
  }));
}
