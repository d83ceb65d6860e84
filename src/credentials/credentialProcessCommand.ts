/**
 * The value for `credential_process =` in ~/.aws/config. botocore splits it like a POSIX shell
 * (shlex) and the JavaScript SDK hands it to a shell, so words are quoted in a way both read the
 * same: single quotes, with an embedded ' written as '\''.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quotePosix } from '../shellQuote.js';
import { badInput } from '../userError.js';

export interface CommandLocation {
  env?: NodeJS.ProcessEnv;
  /** The node binary running rolegate (default: process.execPath). */
  nodePath?: string;
  /** rolegate's entry script (default: the compiled src/cli/main.cjs beside this module). */
  scriptPath?: string;
  platform?: NodeJS.Platform;
}

function quoteAlways(word: string, platform: NodeJS.Platform): string {
  return platform === 'win32' ? `"${word}"` : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function defaultScriptPath(): string {
  return fileURLToPath(new URL('../cli/main.cjs', import.meta.url));
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The first executable `name` on PATH, with symlinks resolved; undefined when there is none. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

export function credentialProcessCommand(profile: string, where: CommandLocation = {}): string {
  const env = where.env ?? process.env;
  const platform = where.platform ?? process.platform;
  const script = where.scriptPath ?? defaultScriptPath();
  // cmd.exe (the JavaScript SDK runs credential_process through it) ends a quote at " and
  // expands %NAME% inside one, and a closing \" reads as an escaped quote: no quoting keeps such
  // a name intact, so it is refused there.
  if (platform === 'win32' && /["%]|\\$/.test(profile)) {
    throw badInput(`the profile name ${profile} cannot be written into credential_process on Windows (it holds " or %, or ends in \\)`, 'use a profile name without " and % that does not end in \\');
  }
  const profileWord = platform === 'win32' ? `"${profile}"` : quotePosix(profile);
  if (platform !== 'win32') {
    const onPath = findOnPath('rolegate', env);
    if (onPath !== undefined && onPath === realpathOrSelf(script)) return `rolegate credential-process ${profileWord}`;
  }
  const node = where.nodePath ?? process.execPath;
  return `${quoteAlways(node, platform)} ${quoteAlways(script, platform)} credential-process ${profileWord}`;
}
