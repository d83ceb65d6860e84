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

/** The layout keys (string values only) a profile holds now. */
export function layoutValues(values: Record<string, unknown> | undefined): ProfileKeys {
  const kept: ProfileKeys = {};
  for (const key of LAYOUT_KEYS) if (typeof values?.[key] === 'string') kept[key] = values[key] as string;
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

/** Drops the records of `profiles` (after teardown restored them); the file goes when empty. */
export async function forgetProfilesBefore(env: NodeJS.ProcessEnv, configFile: string, profiles: string[]): Promise<void> {
  const record = await readRecord(env);
  const file = record.files[resolve(configFile)];
  if (!file) return;
  for (const profile of profiles) delete file[profile];
  if (Object.keys(file).length === 0) delete record.files[resolve(configFile)];
  if (Object.keys(record.files).length === 0) await rm(profilesBeforePath(env), { force: true });
  else await writePrivateFile(profilesBeforePath(env), `${JSON.stringify(record, null, 2)}\n`);
}
