/**
 * What the profiles setup writes held before setup first changed them, so that teardown puts a
 * person's own `region` (or any other key setup overwrites) back instead of deleting it.
 *
 * Kept in ~/.config/rolegate/profiles-before-setup.json, per config file, per profile: the layout
 * keys the profile had (a profile recorded with no keys had none). The first record of a profile
 * wins, so a rerun with other flags does not take setup's own values for the user's. The file
 * holds no secret (layout keys are names, ARNs and commands), but it is written 0600 all the same.
 */
import { join, resolve } from 'node:path';
import { rm } from 'node:fs/promises';
import { rolegateConfigDir } from '../credentials/cachePaths.cjs';
import { readOptionalFile, writePrivateFile } from '../credentials/privateFile.js';
import { LAYOUT_KEYS } from './profileLayout.js';

type ProfileKeys = Record<string, string>;
interface BeforeRecord {
  version: 1;
  files: Record<string, Record<string, ProfileKeys>>;
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
  for (const key of LAYOUT_KEYS) {
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

/** Records each profile that has no record yet for `configFile`. */
export async function recordProfilesBefore(env: NodeJS.ProcessEnv, configFile: string, profiles: Record<string, ProfileKeys>): Promise<void> {
  const record = await readRecord(env);
  const file = (record.files[resolve(configFile)] ??= {});
  let changed = false;
  for (const [profile, keys] of Object.entries(profiles)) {
    if (profile in file) continue;
    file[profile] = keys;
    changed = true;
  }
  if (changed) await writePrivateFile(profilesBeforePath(env), `${JSON.stringify(record, null, 2)}\n`);
}

/** The recorded keys of `profile` in `configFile`; undefined when setup recorded nothing for it. */
export async function profileBefore(env: NodeJS.ProcessEnv, configFile: string, profile: string): Promise<ProfileKeys | undefined> {
  return (await readRecord(env)).files[resolve(configFile)]?.[profile];
}

/**
 * Drops what was recorded for `configFile` once teardown has restored its profiles: all of it, as
 * a record that outlived its setup would put back an old state after the next one. The file goes
 * when empty.
 */
export async function forgetProfilesBefore(env: NodeJS.ProcessEnv, configFile: string): Promise<void> {
  const record = await readRecord(env);
  if (!record.files[resolve(configFile)]) return;
  delete record.files[resolve(configFile)];
  if (Object.keys(record.files).length === 0) await rm(profilesBeforePath(env), { force: true });
  else await writePrivateFile(profilesBeforePath(env), `${JSON.stringify(record, null, 2)}\n`);
}
