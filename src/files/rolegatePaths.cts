/**
 * Where rolegate keeps things outside ~/.aws, in one place so other modules (status, logout,
 * audit) find the same files:
 *   - temporary credentials cache:  $XDG_CACHE_HOME/rolegate/  (else ~/.cache/rolegate/), 0700
 *       sessions/<name>.json  GetSessionToken results and store-layout role credentials
 *       locks/<name>.lock     refresh locks
 *       mfa/<serial>.json     the last TOTP window each MFA device's code was sent for
 *   - encrypted key file:           $XDG_CONFIG_HOME/rolegate/keys.enc (else ~/.config/rolegate/)
 *   - the AWS CLI's own assume-role cache: ~/.aws/cli/cache/<sha1>.json (guide-layout profiles)
 * Only this module knows these paths; it imports nothing heavy (it is on the hot path).
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || env.USERPROFILE || homedir();
}

function xdgDir(variable: string, fallback: string[], env: NodeJS.ProcessEnv): string {
  const value = env[variable];
  // The XDG spec says relative values are invalid and must be ignored.
  if (value && isAbsolute(value)) return value;
  return join(homeDir(env), ...fallback);
}

export function rolegateCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgDir('XDG_CACHE_HOME', ['.cache'], env), 'rolegate');
}

export function sessionCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(rolegateCacheDir(env), 'sessions');
}

export function lockDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(rolegateCacheDir(env), 'locks');
}

export function rolegateConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgDir('XDG_CONFIG_HOME', ['.config'], env), 'rolegate');
}

export function keyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ROLEGATE_KEY_FILE || join(rolegateConfigDir(env), 'keys.enc');
}

/** The AWS CLI's assume-role cache folder (botocore's JSONFileCache default). */
export function awsCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(homeDir(env), '.aws', 'cli', 'cache');
}

/** A file-name-safe form of any cache key: readable, and unique for distinct inputs. */
/** Longer escaped names are shortened: with a suffix and a temporary name's additions, they stay under 255 bytes. */
const MAX_NAME = 180;

/**
 * A file name for a profile or cache key, one to one: every character outside [A-Za-z0-9_.-] is
 * written as the %XX of each of its UTF-8 bytes (so `%` itself is %25, and "é" is %c3%a9), and a
 * lone surrogate, which has no UTF-8 form, as %uXXXX. A name that would be too long for the file
 * system keeps its first 120 characters and gains ~ and the SHA-256 of the whole key (~ appears
 * in no other name).
 */
export function safeName(key: string): string {
  const escaped = key.replace(/[^A-Za-z0-9_.-]/gu, (c) => {
    const code = c.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) return `%u${code.toString(16)}`;
    return Array.from(Buffer.from(c, 'utf8'), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  });
  if (escaped.length <= MAX_NAME) return escaped;
  // loaded only here: the hot path's names are short
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return `${escaped.slice(0, 120)}~${createHash('sha256').update(key).digest('hex')}`;
}

export function sessionCacheFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(sessionCacheDir(env), `${safeName(name)}.json`);
}

export function lockFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(lockDir(env), `${safeName(name)}.lock`);
}

/** The record of the last TOTP window an MFA device's code was sent to AWS for (mfa/<serial>.json). */
export function mfaWindowFile(serial: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(rolegateCacheDir(env), 'mfa', `${safeName(serial)}.json`);
}
