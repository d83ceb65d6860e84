// The profiles botocore sees in the shared config and credentials files. This module is on the
// hot path of `rolegate credential-process`: keep its imports light (no lock or write modules).
import { buildProfileMap, getOwn, rawSections, type ProfileValue, type ProfileValues } from './profileMap.js';
import { sharedFilePaths } from './sharedFilePaths.js';
import { parseSharedText, readSharedBytes } from './sharedFileText.js';

export type { ProfileValue, ProfileValues } from './profileMap.js';

export interface SharedProfiles {
  /** Profiles of the config file (`[default]`, `[profile NAME]`), as build_profile_map names them. */
  config: Map<string, ProfileValues>;
  /** Sections of the credentials file (bare `[NAME]`). */
  credentials: Map<string, ProfileValues>;
  /** `[sso-session NAME]` sections of the config file. */
  ssoSessions?: Map<string, ProfileValues>;
  /** `[services NAME]` sections of the config file. */
  services?: Map<string, ProfileValues>;
}

/** Reads both files (a missing file is empty). A file botocore cannot parse → UserError naming file and line. */
export async function readSharedProfiles(env: NodeJS.ProcessEnv = process.env): Promise<SharedProfiles> {
  const { configFile, credentialsFile } = sharedFilePaths(env);
  const [configBytes, credentialsBytes] = await Promise.all([readSharedBytes(configFile), readSharedBytes(credentialsFile)]);
  // parsed in botocore's order, so the error reported for two bad files is the config file's
  const configDoc = configBytes && parseSharedText(configFile, configBytes, env);
  const credentialsDoc = credentialsBytes && parseSharedText(credentialsFile, credentialsBytes, env);
  const configMap = configDoc ? buildProfileMap(rawSections(configDoc)) : undefined;
  return {
    config: configMap?.profiles ?? new Map(),
    credentials: credentialsDoc ? rawSections(credentialsDoc) : new Map(),
    ssoSessions: configMap?.ssoSessions ?? new Map(),
    services: configMap?.services ?? new Map(),
  };
}

/** All profile names botocore knows: config-file profiles, then those only in the credentials file. */
export function profileNames(shared: SharedProfiles): string[] {
  const names = [...shared.config.keys()];
  for (const name of shared.credentials.keys()) if (!shared.config.has(name)) names.push(name);
  return names;
}

/** One profile's values as botocore's session sees them: config values, overridden key by key by credentials-file values. */
export function resolveProfile(shared: SharedProfiles, name: string): ProfileValues | undefined {
  const fromConfig = shared.config.get(name);
  const fromCredentials = shared.credentials.get(name);
  if (!fromConfig && !fromCredentials) return undefined;
  const merged: ProfileValues = {};
  for (const source of [fromConfig, fromCredentials]) {
    if (!source) continue;
    for (const key of Object.keys(source)) {
      const value = getOwn(source, key) as ProfileValue;
      Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return merged;
}
