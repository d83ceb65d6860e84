/**
 * Where rolegate keeps things outside ~/.aws, in one place so other modules (status, logout,
 * audit) find the same files:
 *   - temporary credentials cache:  $XDG_CACHE_HOME/rolegate/  (else ~/.cache/rolegate/), 0700
 *       sessions/<name>.json  GetSessionToken results and store-layout role credentials
 *       locks/<name>.lock     refresh locks
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
/**
 * A file name for a profile or cache key, one to one: every character outside [A-Za-z0-9_.-] is
 * written as the %XX of each of its UTF-8 bytes (so `%` itself is %25, and "é" is %c3%a9).
 */
export function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/gu, (c) =>
    Array.from(Buffer.from(c, 'utf8'), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''),
  );
}

export function sessionCacheFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(sessionCacheDir(env), `${safeName(name)}.json`);
}

export function lockFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(lockDir(env), `${safeName(name)}.lock`);
}
