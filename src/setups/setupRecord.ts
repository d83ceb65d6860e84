/**
 * The record of what each setup made: its account, user, role, MFA device, key, store and
 * profiles, so that every later command acts on the setup the person means and never on a
 * same-named default that belongs to another one.
 *
 * Kept in ~/.config/rolegate/setups.json (0600, written atomically), one entry per setup, a setup
 * being known by its read-only profile in its config file (a profile belongs to one setup only).
 * Setup writes its entry before its first change and completes it at the end; rotate and import
 * update the key and the store; teardown drops it. No secret is kept here: key ids are not secret.
 */
import { join, resolve } from 'node:path';
import { rm } from 'node:fs/promises';
import { rolegateConfigDir } from '../files/rolegatePaths.cjs';
import { writePrivateFile } from '../files/privateFile.js';
import { readOptionalFile } from '../files/readOptionalFile.js';

export interface SetupRecord {
  /** The shared config file the profiles live in (absolute). */
  configFile: string;
  readProfile: string;
  adminProfile: string;
  account: string;
  /** From the caller's ARN at setup time: aws, aws-cn, aws-us-gov... */
  partition: string;
  userName: string;
  /** IAM's: from GetUser for a user that existed, else as setup created it (no path). */
  userArn: string;
  roleName: string;
  /** IAM's: from GetRole for a role that existed, else as setup created it (no path). */
  roleArn: string;
  mfaSerial: string;
  /** The stored key's id (absent until setup stored one). */
  accessKeyId?: string;
  /** Where the key is kept; `none` for a console identity. */
  store: string;
  /** What the read-only identity signs in with: `console` (setup --identity console: a console password and `aws login`, no key); absent: an access key. */
  identity?: 'console';
  trust?: string;
  roleChain?: string;
  region?: string;
  /** false while setup is under way (or was interrupted), true once it completed. */
  complete: boolean;
  /** ISO times. */
  createdAt: string;
  updatedAt: string;
}

interface RecordFile {
  version: 1;
  setups: SetupRecord[];
}

export function setupRecordPath(env: NodeJS.ProcessEnv): string {
  return join(rolegateConfigDir(env), 'setups.json');
}

function isRecord(value: unknown): value is SetupRecord {
  const r = value as Partial<SetupRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    ['configFile', 'readProfile', 'adminProfile', 'account', 'userName', 'roleName', 'roleArn', 'mfaSerial', 'store'].every(
      (key) => typeof (r as Record<string, unknown>)[key] === 'string',
    )
  );
}

async function readFile(env: NodeJS.ProcessEnv): Promise<RecordFile> {
  const text = await readOptionalFile(setupRecordPath(env));
  if (text === undefined) return { version: 1, setups: [] };
  try {
    const parsed = JSON.parse(text) as RecordFile;
    if (parsed.version === 1 && Array.isArray(parsed.setups)) return { version: 1, setups: parsed.setups.filter(isRecord) };
  } catch {
    // a damaged record is as good as none: setups are then found from what they left (knownSetups.ts)
  }
  return { version: 1, setups: [] };
}

async function writeFile(env: NodeJS.ProcessEnv, file: RecordFile): Promise<void> {
  if (file.setups.length === 0) await rm(setupRecordPath(env), { force: true });
  else await writePrivateFile(setupRecordPath(env), `${JSON.stringify(file, null, 2)}\n`);
}

const sameSetup = (a: Pick<SetupRecord, 'configFile' | 'readProfile'>, b: Pick<SetupRecord, 'configFile' | 'readProfile'>) =>
  resolve(a.configFile) === resolve(b.configFile) && a.readProfile === b.readProfile;

/** Every recorded setup (of every config file). */
export async function readSetupRecords(env: NodeJS.ProcessEnv): Promise<SetupRecord[]> {
  return (await readFile(env)).setups;
}

/**
 * Records (or updates) a setup. An entry that named the same admin profile of the same file under
 * another read profile is replaced: a profile belongs to one setup.
 */
export async function saveSetupRecord(env: NodeJS.ProcessEnv, record: Omit<SetupRecord, 'createdAt' | 'updatedAt'> & { createdAt?: string }): Promise<SetupRecord> {
  const file = await readFile(env);
  const now = new Date().toISOString();
  const configFile = resolve(record.configFile);
  const earlier = file.setups.find((s) => sameSetup(s, { configFile, readProfile: record.readProfile }));
  const saved: SetupRecord = { ...earlier, ...record, configFile, createdAt: earlier?.createdAt ?? record.createdAt ?? now, updatedAt: now };
  file.setups = file.setups.filter(
    (s) => !sameSetup(s, saved) && !(resolve(s.configFile) === configFile && [s.readProfile, s.adminProfile].some((p) => p === saved.readProfile || p === saved.adminProfile)),
  );
  file.setups.push(saved);
  await writeFile(env, file);
  return saved;
}

/** Changes fields of the setup whose read profile is `readProfile` (nothing when none is recorded). */
export async function updateSetupRecord(env: NodeJS.ProcessEnv, configFile: string, readProfile: string, change: Partial<SetupRecord>): Promise<void> {
  const file = await readFile(env);
  const found = file.setups.find((s) => sameSetup(s, { configFile, readProfile }));
  if (!found) return;
  Object.assign(found, change, { updatedAt: new Date().toISOString() });
  await writeFile(env, file);
}

/** Drops the setup's entry once teardown removed it; the file goes when no setup is left. */
export async function forgetSetupRecord(env: NodeJS.ProcessEnv, configFile: string, readProfile: string): Promise<void> {
  const file = await readFile(env);
  const kept = file.setups.filter((s) => !sameSetup(s, { configFile, readProfile }));
  if (kept.length === file.setups.length) return;
  await writeFile(env, { version: 1, setups: kept });
}
