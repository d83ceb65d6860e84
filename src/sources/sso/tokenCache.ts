/**
 * The SSO token cache the AWS CLI and the SDKs share: `~/.aws/sso/cache/<sha1>.json`, where the
 * name is the SHA-1 hex of the sso-session's name, or of the start URL for a legacy profile
 * (botocore's SSOTokenLoader, the JS SDK's getSSOTokenFilepath). The file holds `startUrl`,
 * `region`, `accessToken`, `expiresAt`, and, where a refresh is possible, `clientId`,
 * `clientSecret`, `registrationExpiresAt` and `refreshToken`. rolegate writes it as botocore does
 * (json.dumps' separators, times as `%Y-%m-%dT%H:%M:%SZ`), atomically and 0600.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { homeDir } from '../../files/rolegatePaths.cjs';
import { readCheckedFile, LIMITS } from '../../files/checkedFile.cjs';
import type { SsoSession } from './ssoConfig.js';

export interface SsoToken {
  startUrl?: string;
  region?: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
}

export function ssoCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(homeDir(env), '.aws', 'sso', 'cache');
}

export function tokenCacheKey(session: SsoSession): string {
  return createHash('sha1').update(session.name ?? session.startUrl, 'utf8').digest('hex');
}

export function tokenCacheFile(session: SsoSession, env: NodeJS.ProcessEnv = process.env): string {
  return join(ssoCacheDir(env), `${tokenCacheKey(session)}.json`);
}

/** botocore's timestamp format for the cache (`_serialize_utc_timestamp`). */
export function cacheTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A time in the cache, as botocore's dateutil reads it (a zone-less time is UTC to the SDK; we say the same). */
export function parseCacheTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned.replace(/^(\d{4}-\d\d-\d\d)\s/, '$1T'));
  return Number.isNaN(ms) ? undefined : ms;
}

export type TokenRead = { token?: SsoToken; problem?: string };

/**
 * Reads the token file: absent → {}; one that is not the user's own private regular file, or not
 * a token (no accessToken or expiresAt), → a problem to report, as botocore refuses it.
 */
export function readTokenFile(path: string): TokenRead {
  let bytes: Buffer | undefined;
  try {
    bytes = readCheckedFile(path, { maxBytes: LIMITS.cacheEntry, private: true });
  } catch (error) {
    return { problem: `cannot use ${path}: ${(error as Error).message}` };
  }
  if (bytes === undefined) return {};
  try {
    const value = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || typeof value.accessToken !== 'string' || !value.accessToken || typeof value.expiresAt !== 'string') {
      return { problem: `${path} holds no access token` };
    }
    return { token: value as unknown as SsoToken };
  } catch {
    return { problem: `${path} is damaged (not JSON)` };
  }
}

/** Python's json.dumps with its default separators over a flat object of strings (what botocore writes). */
function pythonDumps(value: Record<string, string | undefined>): string {
  const esc = (s: string) => JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined) as [string, string][];
  return `{${entries.map(([k, v]) => `${esc(k)}: ${esc(v)}`).join(', ')}}`;
}

/** Writes the token as botocore does, atomically, 0600 (the folder 0700). */
export async function writeTokenFile(path: string, token: SsoToken, beforeRename?: () => void): Promise<void> {
  const { writePrivateFile } = await import('../../files/privateFile.js');
  const ordered = {
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: token.registrationExpiresAt,
    refreshToken: token.refreshToken,
  };
  await writePrivateFile(path, pythonDumps(ordered), { beforeRename });
}
