/**
 * Deletes cached temporary credentials, never a long-term key. For one profile: what its source
 * cached for it, and for rolegate's own profiles the MFA session of the key profile behind it and
 * every role credential made from that session (rolegate's cache, and the AWS CLI's entries for
 * guide-layout roles). Without a profile: every profile's, and all of rolegate's session cache.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { profileNames, readSharedProfiles, type SharedProfiles } from '../config/profiles.js';
import { awsCliCacheFile } from '../cache/awsCliCache.js';
import { rolegateCacheDir, sessionCacheDir, sessionCacheFile } from '../files/rolegatePaths.cjs';
import { describeProfile, type CredentialSpec } from '../config/profileSpec.js';
import { readOptionalFile } from '../files/readOptionalFile.js';
import { roleEntryName, sessionEntryName } from '../cache/sessionCache.js';
import { sourceFor } from './dispatch.js';

async function removeIfPresent(path: string, removed: string[]): Promise<void> {
  if (removed.includes(path)) return;
  if ((await readOptionalFile(path).catch(() => '')) === undefined) return;
  await rm(path, { force: true });
  removed.push(path);
}

function servedSpecs(shared: SharedProfiles): CredentialSpec[] {
  const specs: CredentialSpec[] = [];
  for (const name of profileNames(shared)) {
    try {
      specs.push(describeProfile(shared, name));
    } catch {
      // not a profile rolegate serves
    }
  }
  return specs;
}

async function sourceLogout(spec: CredentialSpec, shared: SharedProfiles, env: NodeJS.ProcessEnv, removed: string[]): Promise<void> {
  for (const path of await (await sourceFor(spec)).logout(spec as never, shared, env)) if (!removed.includes(path)) removed.push(path);
}

/** Returns the files removed. Without a profile, every cached session and role credential goes. */
export async function logout(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const shared = await readSharedProfiles(env);
  const removed: string[] = [];
  const specs = servedSpecs(shared);
  let keyProfile: string | undefined;
  if (profile !== undefined) {
    const spec = describeProfile(shared, profile);
    if (spec.kind === 'session' || spec.kind === 'role') {
      keyProfile = spec.kind === 'session' ? spec.session.keyProfile : spec.role.session.keyProfile;
      await removeIfPresent(sessionCacheFile(sessionEntryName(keyProfile), env), removed);
    } else {
      await sourceLogout(spec, shared, env, removed);
      return removed;
    }
  } else {
    const dir = sessionCacheDir(env);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) await removeIfPresent(join(dir, name), removed);
    // the shortcut notes hold no credentials, only where they were; they go too
    await rm(join(rolegateCacheDir(env), 'shortcuts'), { recursive: true, force: true });
    for (const spec of specs) if (spec.kind !== 'session' && spec.kind !== 'role') await sourceLogout(spec, shared, env, removed);
  }
  for (const spec of specs) {
    if (spec.kind !== 'role') continue;
    if (keyProfile !== undefined && spec.role.session.keyProfile !== keyProfile) continue;
    const path = spec.role.layout === 'guide' ? awsCliCacheFile(spec.role, env) : sessionCacheFile(roleEntryName(spec.profile), env);
    await removeIfPresent(path, removed);
  }
  return removed;
}
