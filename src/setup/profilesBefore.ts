/**
 * What the profiles setup writes held before setup first changed them, and what setup last wrote
 * there, so that teardown puts a person's own `region` (or any other key setup overwrote) back
 * instead of deleting it, and leaves alone what they changed after setup.
 *
 * Kept in ~/.config/rolegate/profiles-before-setup.json, per config file, per profile. `before`
 * is recorded once (a rerun with other flags must not take setup's own values for the user's);
 * `written` on every run. The file holds no secret (layout keys are names, ARNs and commands), but
 * it is written 0600 all the same.
 */
import { join, resolve } from 'node:path';
import { rm } from 'node:fs/promises';
import { rolegateConfigDir } from '../files/rolegatePaths.cjs';
import { writePrivateFile } from '../files/privateFile.js';
import { readOptionalFile } from '../files/readOptionalFile.js';
import { LAYOUT_KEYS, OPTIONAL_LAYOUT_KEYS } from './profileLayout.js';

type ProfileKeys = Record<string, string>;

export interface ProfileRecord {
  /** The user's own layout keys before setup first changed the profile. */
  before: ProfileKeys;
  /** The layout keys setup last wrote. */
  written: ProfileKeys;
}

interface BeforeRecord {
  version: 1;
  files: Record<string, Record<string, ProfileRecord>>;
}

export function profilesBeforePath(env: NodeJS.ProcessEnv): string {
  return join(rolegateConfigDir(env), 'profiles-before-setup.json');
}

async function readRecord(env: NodeJS.ProcessEnv): Promise<BeforeRecord> {
  const text = await readOptionalFile(profilesBeforePath(env));
  if (text === undefined) return { version: 1, files: {} };
  try {
    const parsed = JSON.parse(text) as BeforeRecord;
    if (parsed.version === 1 && typeof parsed.files === 'object' && parsed.files !== null) return parsed;
  } catch {
    // an unreadable record is as good as none: teardown then removes setup's keys, as before
  }
  return { version: 1, files: {} };
}

/** What setup writes or points at; values equal to these are setup's own, never the user's. */
export interface SetupValues {
  /** The layout setup is about to write for this profile. */
  wanted: Record<string, string>;
  roleArn: string;
  mfaSerial: string;
  readProfile: string;
}

/**
 * The layout keys (text values) a profile holds now that are the user's own. A value that is
 * setup's (from an earlier run whose record is gone, or equal to what it writes now) is left out:
 * putting it back on teardown would point at the role and device teardown deletes. `region` is
 * the exception: the same region is as likely the user's as setup's, and harmless to keep.
 */
export function usersOwnValues(values: Record<string, unknown> | undefined, setup: SetupValues): ProfileKeys {
  const kept: ProfileKeys = {};
  for (const key of [...LAYOUT_KEYS, ...OPTIONAL_LAYOUT_KEYS]) {
    const value = values?.[key];
    if (typeof value !== 'string') continue;
    const setups =
      key.startsWith('rolegate_') ||
      (key === 'credential_process' && value.includes('credential-process')) ||
      (key !== 'region' && value === setup.wanted[key]) ||
      value === setup.roleArn ||
      value === setup.mfaSerial ||
      (key === 'source_profile' && value === setup.readProfile);
    if (!setups) kept[key] = value;
  }
  return kept;
}

/** Records what setup is about to write; `before` only for a profile that has no record yet. */
export async function recordProfiles(env: NodeJS.ProcessEnv, configFile: string, profiles: Record<string, ProfileRecord>): Promise<void> {
  const record = await readRecord(env);
  const file = (record.files[resolve(configFile)] ??= {});
  for (const [profile, { before, written }] of Object.entries(profiles)) {
    file[profile] = { before: file[profile]?.before ?? before, written };
  }
  await writePrivateFile(profilesBeforePath(env), `${JSON.stringify(record, null, 2)}\n`);
}

/** What was recorded for `profile` in `configFile`; undefined when setup recorded nothing for it. */
export async function profileRecord(env: NodeJS.ProcessEnv, configFile: string, profile: string): Promise<ProfileRecord | undefined> {
  const found = (await readRecord(env)).files[resolve(configFile)]?.[profile];
  return found && typeof found.before === 'object' && typeof found.written === 'object' ? found : undefined;
}

export interface ProfileRestore {
  set: ProfileKeys;
  unset: string[];
  /** Nothing of the user's is left in the profile: remove its section. */
  remove: boolean;
}

/**
 * What teardown does to one of setup's profiles. With a record: a layout key the user changed or
 * added since setup stays as it is, one setup wrote goes back to its value before setup, or goes.
 * Without one (a setup from before records were kept): every layout key goes.
 */
export function profileRestore(values: Record<string, unknown>, record: ProfileRecord | undefined): ProfileRestore {
  const set: ProfileKeys = {};
  const unset: string[] = [];
  let usersKeys = 0;
  // an optional key (mfa_process) is setup's only where the record says setup wrote it
  const optional = OPTIONAL_LAYOUT_KEYS.filter((key) => record?.written[key] !== undefined);
  for (const key of [...LAYOUT_KEYS, ...optional]) {
    const now = typeof values[key] === 'string' ? (values[key] as string) : undefined;
    if (record && now !== undefined && now !== record.written[key]) {
      usersKeys += 1;
      continue;
    }
    const before = record?.before[key];
    if (before !== undefined) {
      set[key] = before;
      usersKeys += 1;
    } else if (now !== undefined) {
      unset.push(key);
    }
  }
  // keys of a profile taken over with --adopt (an SSO profile's sso_*), unset by setup: put back
  for (const [key, before] of Object.entries(record?.before ?? {})) {
    if ((LAYOUT_KEYS as readonly string[]).includes(key) || (optional as string[]).includes(key) || values[key] !== undefined) continue;
    set[key] = before;
    usersKeys += 1;
  }
  const others = Object.keys(values).filter((key) => !(LAYOUT_KEYS as readonly string[]).includes(key) && !(optional as string[]).includes(key));
  return { set, unset, remove: others.length === 0 && usersKeys === 0 };
}

/**
 * Drops what was recorded for `profiles` of `configFile` once teardown has restored them (a record
 * that outlived its setup would put back an old state after the next one); the records of another
 * setup's profiles stay. The file goes when empty.
 */
export async function forgetProfilesBefore(env: NodeJS.ProcessEnv, configFile: string, profiles: string[]): Promise<void> {
  const record = await readRecord(env);
  const file = record.files[resolve(configFile)];
  if (!file) return;
  for (const profile of profiles) delete file[profile];
  if (Object.keys(file).length === 0) delete record.files[resolve(configFile)];
  if (Object.keys(record.files).length === 0) await rm(profilesBeforePath(env), { force: true });
  else await writePrivateFile(profilesBeforePath(env), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Notes keys another rolegate command (import) wrote into profiles setup recorded, so teardown
 * knows them for rolegate's and removes them. Profiles without a record are left out.
 */
export async function noteWritten(env: NodeJS.ProcessEnv, configFile: string, changes: Record<string, { set: ProfileKeys; unset: string[] }>): Promise<void> {
  const record = await readRecord(env);
  const file = record.files[resolve(configFile)];
  if (!file) return;
  let changed = false;
  for (const [profile, { set, unset }] of Object.entries(changes)) {
    const entry = file[profile];
    if (!entry) continue;
    for (const key of unset) delete entry.written[key];
    Object.assign(entry.written, set);
    changed = true;
  }
  if (changed) await writePrivateFile(profilesBeforePath(env), `${JSON.stringify(record, null, 2)}\n`);
}
