/**
 * Where `aws login` (AWS CLI 2.32+) keeps a console sign-in, and the little of it that `status`
 * shows without the SDK. The rule is the SDK's and botocore's (credential-provider-login's
 * getTokenFilePath, botocore.utils.get_login_token_cache_directory): AWS_LOGIN_CACHE_DIRECTORY,
 * else ~/.aws/login/cache; the file is the SHA-256 hex of the profile's login_session value, .json.
 * Credentials are read and refreshed only through the SDK's provider (loginCredentials.ts); this
 * module never hands them out.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { homeDir } from '../../files/rolegatePaths.cjs';
import { readTrustedFile } from '../../files/checkedFile.cjs';

export function loginCacheDir(env: NodeJS.ProcessEnv): string {
  return env.AWS_LOGIN_CACHE_DIRECTORY || join(homeDir(env), '.aws', 'login', 'cache');
}

/** The SHA-256 hex of the login_session value: the cache file's name, and rolegate's lock name. */
export function loginSessionKey(loginSession: string): string {
  return createHash('sha256').update(loginSession, 'utf8').digest('hex');
}

export function loginCacheFile(loginSession: string, env: NodeJS.ProcessEnv): string {
  return join(loginCacheDir(env), `${loginSessionKey(loginSession)}.json`);
}

/** What status shows of a console sign-in (no secret). */
export interface LoginCacheSummary {
  path: string;
  /** The cache file exists and names an access token and a refresh token. */
  signedIn: boolean;
  /** When the credentials the file holds expire (they are renewed from the refresh token). */
  expiresAt?: Date;
  accountId?: string;
  /** Why the file could not be read, if it could not. */
  problem?: string;
}

export function summarizeLoginCache(loginSession: string, env: NodeJS.ProcessEnv): LoginCacheSummary {
  const path = loginCacheFile(loginSession, env);
  let text: string | undefined;
  try {
    text = readTrustedFile(path);
  } catch (error) {
    return { path, signedIn: false, problem: error instanceof Error ? error.message : String(error) };
  }
  if (text === undefined) return { path, signedIn: false };
  try {
    const token = JSON.parse(text) as { accessToken?: { expiresAt?: unknown; accountId?: unknown }; refreshToken?: unknown };
    const expiresAt = typeof token.accessToken?.expiresAt === 'string' ? new Date(token.accessToken.expiresAt) : undefined;
    return {
      path,
      signedIn: typeof token.refreshToken === 'string' && token.accessToken !== undefined,
      ...(expiresAt && !Number.isNaN(expiresAt.getTime()) ? { expiresAt } : {}),
      ...(typeof token.accessToken?.accountId === 'string' ? { accountId: token.accessToken.accountId } : {}),
    };
  } catch {
    return { path, signedIn: false, problem: 'not JSON' };
  }
}
