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

/**
 * One profile's logout: its own link, then the links below it (a role chain's base, to the end of
 * the chain). For rolegate's own profiles, the key profile's MFA session and every role made from it.
 */
async function logoutProfile(profile: string, shared: SharedProfiles, specs: CredentialSpec[], env: NodeJS.ProcessEnv, removed: string[], seen: Set<string>): Promise<void> {
  if (seen.has(profile)) return;
  seen.add(profile);
  const spec = describeProfile(shared, profile);
  if (spec.kind === 'session' || spec.kind === 'role') {
    const keyProfile = spec.kind === 'session' ? spec.session.keyProfile : spec.role.session.keyProfile;
    await removeIfPresent(sessionCacheFile(sessionEntryName(keyProfile), env), removed);
    for (const other of specs) {
      if (other.kind !== 'role' || other.role.session.keyProfile !== keyProfile) continue;
      await removeIfPresent(other.role.layout === 'guide' ? awsCliCacheFile(other.role, env) : sessionCacheFile(roleEntryName(other.profile), env), removed);
    }
    return;
  }
  await sourceLogout(spec, shared, env, removed);
  if (spec.kind === 'assume-role' && spec.assumeRole.base.kind === 'profile' && spec.assumeRole.base.profile !== profile) {
    await logoutProfile(spec.assumeRole.base.profile, shared, specs, env, removed, seen);
  }
}

/** Returns the files removed. Without a profile, every cached session and role credential goes. */
export async function logout(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const shared = await readSharedProfiles(env);
  const removed: string[] = [];
  const specs = servedSpecs(shared);
  if (profile !== undefined) {
    await logoutProfile(profile, shared, specs, env, removed, new Set());
    return removed;
  }
  const dir = sessionCacheDir(env);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) await removeIfPresent(join(dir, name), removed);
  // the shortcut notes hold no credentials, only where they were; they go too
  await rm(join(rolegateCacheDir(env), 'shortcuts'), { recursive: true, force: true });
  for (const spec of specs) {
    if (spec.kind === 'role') await removeIfPresent(spec.role.layout === 'guide' ? awsCliCacheFile(spec.role, env) : sessionCacheFile(roleEntryName(spec.profile), env), removed);
    else if (spec.kind !== 'session') await sourceLogout(spec, shared, env, removed);
  }
  return removed;
}
