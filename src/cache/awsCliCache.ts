/**
 * The AWS CLI's assume-role cache, ~/.aws/cli/cache/<key>.json, shared with rolegate for profiles
 * in the guide's layout so that one MFA prompt serves both. The key is botocore's: SHA-1 hex of
 * `json.dumps(args, sort_keys=True)` over the AssumeRole arguments the profile sets.
 */
import { join } from 'node:path';
import { awsCliCacheDir } from '../files/rolegatePaths.cjs';
import { readTrustedFile, FileRefusedError as UntrustedFileError } from '../files/checkedFile.cjs';
import { sha1Hex } from './sha1.js';
import type { RoleSpec } from '../config/profileSpec.js';
import { MAX_LIFETIME_MS, parseCredentials, toAwsShape, withinIssuableLifetime, type TemporaryCredentials } from './temporaryCredentials.cjs';

/** A Python string literal as json.dumps writes it with ensure_ascii: only printable ASCII stays. */
function pythonString(value: string): string {
  // JSON.stringify already escapes " \ and control characters the way Python does (\n, \u001f);
  // Python also escapes DEL and everything beyond ASCII, as \uXXXX (UTF-16 units, lower case).
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python orders str by code point; JavaScript's < compares UTF-16 units (differs past U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Python's `json.dumps(value, sort_keys=True)` with its default separators `, ` and `: `. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    throw new Error('pythonJsonDumps: only whole numbers are supported');
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareCodePoints(a, b));
    return `{${entries.map(([k, v]) => `${pythonString(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  throw new Error(`pythonJsonDumps: cannot encode ${typeof value}`);
}

export interface AssumeRoleCacheArgs {
  RoleArn: string;
  RoleSessionName?: string;
  ExternalId?: string;
  SerialNumber?: string;
  DurationSeconds?: number;
}

export function awsCliCacheKey(args: AssumeRoleCacheArgs): string {
  return sha1Hex(pythonJsonDumps(args));
}

/** The arguments botocore would build from the profile (the random session name is left out). */
/** What of a role profile goes into botocore's cache key (RoleSpec, or a role chain's spec with its own mfa_serial). */
export type CacheKeyRole = Pick<RoleSpec, 'roleArn' | 'roleSessionName' | 'externalId' | 'ownMfaSerial' | 'durationSeconds'>;

export function awsCliCacheArgs(role: CacheKeyRole): AssumeRoleCacheArgs {
  const args: AssumeRoleCacheArgs = { RoleArn: role.roleArn };
  if (role.roleSessionName !== undefined) args.RoleSessionName = role.roleSessionName;
  if (role.externalId !== undefined) args.ExternalId = role.externalId;
  if (role.ownMfaSerial !== undefined) args.SerialNumber = role.ownMfaSerial;
  if (role.durationSeconds !== undefined) args.DurationSeconds = role.durationSeconds;
  return args;
}

export function awsCliCacheFile(role: CacheKeyRole, env: NodeJS.ProcessEnv = process.env): string {
  return join(awsCliCacheDir(env), `${awsCliCacheKey(awsCliCacheArgs(role))}.json`);
}

export type CacheRead = { credentials?: TemporaryCredentials; warning?: string };

export async function readAwsCliCache(path: string): Promise<CacheRead> {
  let text: string | undefined;
  try {
    text = readTrustedFile(path);
  } catch (error) {
    const verb = error instanceof UntrustedFileError ? 'ignoring' : 'cannot read';
    return { warning: `${verb} the AWS CLI cache entry ${path}: ${(error as Error).message}` };
  }
  if (text === undefined) return {};
  try {
    const credentials = parseCredentials((JSON.parse(text) as { Credentials?: unknown }).Credentials);
    if (!credentials) return { warning: `ignoring the AWS CLI cache entry ${path}: it holds no credentials` };
    if (!withinIssuableLifetime(credentials.expiration, MAX_LIFETIME_MS.role, undefined)) {
      return { warning: `ignoring the AWS CLI cache entry ${path}: it expires later than AWS issues role credentials for` };
    }
    return { credentials };
  } catch {
    return { warning: `ignoring the damaged AWS CLI cache entry ${path}` };
  }
}

export async function writeAwsCliCache(path: string, credentials: TemporaryCredentials, assumedRole?: { AssumedRoleId?: string; Arn?: string }): Promise<void> {
  const { writePrivateFile } = await import('../files/privateFile.js');
  const body: Record<string, unknown> = { Credentials: toAwsShape(credentials) };
  if (assumedRole) body.AssumedRoleUser = assumedRole;
  // role credentials: an entry lost to a power cut costs one AssumeRole, so the folder is not fsynced
  await writePrivateFile(path, JSON.stringify(body), { durable: false });
}
