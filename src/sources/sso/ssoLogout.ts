/**
 * Signing out, as `aws sso logout` does for one sign-in: Logout at the portal (while the token
 * still works), then the token file and the role credentials of every profile using this sign-in
 * removed from the shared caches.
 */
import { rm, stat } from 'node:fs/promises';
import type { SharedProfiles } from '../../config/profiles.js';
import { profileSsoSession, type SsoSession } from './ssoConfig.js';
import { parseCacheTime, readTokenFile, tokenCacheFile } from './tokenCache.js';
import { roleCacheFile } from './roleCredentials.js';
import { resolveProfile } from '../../config/profiles.js';
import { getOwn } from '../../config/profileMap.js';

function sameSession(a: SsoSession, b: SsoSession): boolean {
  return a.name !== undefined || b.name !== undefined ? a.name === b.name : a.startUrl === b.startUrl;
}

/** The role cache files of every profile that uses this sign-in. */
export function roleCacheFilesOf(shared: SharedProfiles, session: SsoSession, env: NodeJS.ProcessEnv): string[] {
  const files = new Set<string>();
  for (const name of shared.config.keys()) {
    let own: SsoSession | undefined;
    try {
      own = profileSsoSession(shared, name);
    } catch {
      continue;
    }
    if (!own || !sameSession(own, session)) continue;
    const values = resolveProfile(shared, name)!;
    const accountId = getOwn(values, 'sso_account_id');
    const roleName = getOwn(values, 'sso_role_name');
    if (typeof accountId === 'string' && typeof roleName === 'string') files.add(roleCacheFile({ accountId: accountId.trim(), roleName: roleName.trim(), session }, env));
  }
  return [...files];
}

async function removeIfThere(path: string): Promise<boolean> {
  try {
    await stat(path);
  } catch {
    return false;
  }
  await rm(path, { force: true });
  return true;
}

export async function ssoLogout(shared: SharedProfiles, session: SsoSession, env: NodeJS.ProcessEnv): Promise<{ signedOut: boolean; removed: string[]; warning?: string }> {
  const file = tokenCacheFile(session, env);
  const { token } = readTokenFile(file);
  let signedOut = false;
  let warning: string | undefined;
  const end = token ? parseCacheTime(token.expiresAt) : undefined;
  if (token && end !== undefined && end > Date.now()) {
    const { portalClient, serviceErrorName } = await import('./ssoClients.js');
    const { LogoutCommand } = await import('@aws-sdk/client-sso');
    const client = portalClient({ region: session.region, env });
    try {
      await client.send(new LogoutCommand({ accessToken: token.accessToken }));
      signedOut = true;
    } catch (error) {
      // a token the portal no longer knows is signed out already
      if (serviceErrorName(error) === 'UnauthorizedException') signedOut = true;
      else warning = `IAM Identity Center was not told (${(error as Error).message}); the local token is removed anyway`;
    } finally {
      client.destroy();
    }
  }
  const removed: string[] = [];
  for (const path of [file, ...roleCacheFilesOf(shared, session, env)]) if (await removeIfThere(path)) removed.push(path);
  return { signedOut, removed, ...(warning ? { warning } : {}) };
}
