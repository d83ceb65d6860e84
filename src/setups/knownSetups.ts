/**
 * The setups on this machine, for the shared config file in use: those setup recorded
 * (setupRecord.ts), and those an earlier version made before it kept records, found from what they
 * left: an admin profile that assumes a role with MFA (rolegate_role_arn or role_arn, with
 * mfa_serial) from a profile holding a key (rolegate's credential_process, or a key in the
 * credentials file). profiles-before-setup.json, where it names profiles, says which of those
 * setup wrote. Nothing here calls AWS: teardown still removes only what carries the managed-by tag.
 */
import { join, resolve } from 'node:path';
import type { SharedProfiles } from '../config/profiles.js';
import { readOptionalFile } from '../files/readOptionalFile.js';
import { keyFilePath, rolegateConfigDir } from '../files/rolegatePaths.cjs';
import { readSetupRecords, type SetupRecord } from './setupRecord.js';

export interface KnownSetup extends Omit<SetupRecord, 'createdAt' | 'updatedAt' | 'complete'> {
  /** true: from setups.json; false: found from the profiles an earlier version wrote. */
  recorded: boolean;
  complete?: boolean;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** The profiles setup wrote in `configFile`, from profiles-before-setup.json (an earlier setup's own record). */
async function profilesSetupWrote(env: NodeJS.ProcessEnv, configFile: string): Promise<Set<string>> {
  // the file belongs to setup/profilesBefore.ts; only its profile names are read here
  try {
    const parsed = JSON.parse((await readOptionalFile(join(rolegateConfigDir(env), 'profiles-before-setup.json'))) ?? '{}') as { files?: Record<string, Record<string, unknown>> };
    return new Set(Object.keys(parsed.files?.[resolve(configFile)] ?? {}));
  } catch {
    return new Set();
  }
}

async function keyFileProfiles(env: NodeJS.ProcessEnv): Promise<string[]> {
  try {
    const header = JSON.parse((await readOptionalFile(keyFilePath(env))) ?? '{}') as { profiles?: unknown };
    return Array.isArray(header.profiles) ? header.profiles.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

/** Setups an earlier version made, from the profiles alone (none of them covered by a record). */
export async function setupsFromProfiles(shared: SharedProfiles, configFile: string, env: NodeJS.ProcessEnv, covered: Set<string>): Promise<KnownSetup[]> {
  const wrote = await profilesSetupWrote(env, configFile);
  const inKeyFile = await keyFileProfiles(env);
  const found: KnownSetup[] = [];
  for (const [adminProfile, admin] of shared.config) {
    const roleArn = text(admin.rolegate_role_arn) ?? text(admin.role_arn);
    const readProfile = text(admin.rolegate_source_profile) ?? text(admin.source_profile);
    if (!roleArn || !readProfile || readProfile === adminProfile || covered.has(adminProfile) || covered.has(readProfile)) continue;
    const read = shared.config.get(readProfile);
    const plainKey = text(shared.credentials.get(readProfile)?.aws_access_key_id);
    const usesProcess = text(read?.credential_process)?.includes('credential-process') ?? false;
    if (!plainKey && !usesProcess) continue; // the source holds no key of rolegate's kind (SSO, another role...)
    const mfaSerial = text(admin.mfa_serial) ?? text(read?.mfa_serial);
    const role = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/.exec(roleArn);
    const device = mfaSerial ? /^arn:[\w-]+:iam::\d{12}:mfa\/(?:[^/]+\/)*([^/]+)$/.exec(mfaSerial) : null;
    if (!mfaSerial || !role || !device) continue; // a role without MFA is not what setup writes
    const named = text(read?.rolegate_store);
    const store = named ?? (usesProcess ? (inKeyFile.includes(readProfile) ? 'file' : 'keychain') : 'plain');
    found.push({
      recorded: false,
      configFile: resolve(configFile),
      readProfile,
      adminProfile,
      account: role[2]!,
      partition: role[1]!,
      // setup names the MFA device after the user
      userName: device[1]!,
      userArn: `arn:${role[1]}:iam::${role[2]}:user/${device[1]}`,
      roleName: role[3]!,
      roleArn,
      mfaSerial,
      ...(store === 'plain' && plainKey ? { accessKeyId: plainKey } : {}),
      store,
      region: text(read?.region),
    });
  }
  // where setup's own record names the profiles it wrote, role profiles it did not write are the person's
  const written = found.filter((s) => wrote.has(s.adminProfile) && wrote.has(s.readProfile));
  return found.filter((s) => written.includes(s) || !written.some((w) => w.readProfile === s.readProfile));
}

/** Every setup of the config file in use: the recorded ones, then those found from the profiles. */
export async function knownSetups(env: NodeJS.ProcessEnv): Promise<KnownSetup[]> {
  const [{ readSharedProfiles }, { sharedFilePaths }] = await Promise.all([import('../config/profiles.js'), import('../config/sharedFilePaths.js')]);
  const configFile = resolve(sharedFilePaths(env).configFile);
  const recorded: KnownSetup[] = (await readSetupRecords(env))
    .filter((r) => resolve(r.configFile) === configFile)
    .map(({ createdAt: _c, updatedAt: _u, ...r }) => ({ ...r, recorded: true }));
  const covered = new Set(recorded.flatMap((r) => [r.readProfile, r.adminProfile]));
  const shared = await readSharedProfiles(env);
  return [...recorded, ...(await setupsFromProfiles(shared, configFile, env, covered))];
}
