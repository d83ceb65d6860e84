/**
 * What `rolegate env` prints, for both of its paths: the fast one in main.cts (a cache hit through
 * the shortcut note) and the full one in env.ts. CommonJS, so the fast path loads it without the
 * ES module loader.
 */
import { credentialVariables, formatExpiration, formatRemaining, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

export const ENV_FORMATS = ['bash', 'zsh', 'fish', 'powershell', 'dotenv', 'json'] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

// Each format quotes by its own grammar. (The POSIX quoting of hints elsewhere is shellQuote.ts;
// this module stays apart from it because the cache-hit path loads it and nothing more.)
const singleQuoted = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const fishQuoted = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
/** PowerShell ends a single-quoted string at ' and at U+2018..U+201B alike; each is doubled to stand for itself. */
const powershellQuoted = (value: string) => `'${value.replace(/['\u2018-\u201b]/g, (c) => c + c)}'`;

/** A value no format can carry safely: a control character (a newline starts a new variable in dotenv). */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** What a dotenv reader takes literally: docker's --env-file keeps all, python-dotenv and others read quotes, #, $ and spaces. */
const DOTENV_SAFE = /^[A-Za-z0-9_@%+=:,./-]*$/;

/** A value env will not print, named with the variable it was for. */
export class UnsafeEnvValue extends Error {
  constructor(readonly variable: string, format: EnvFormat) {
    super(`the value of ${variable} cannot be written safely in ${format} format: it holds ${format === 'dotenv' ? 'a character a dotenv file does not take literally' : 'a control character'}`);
    this.name = 'UnsafeEnvValue';
  }
}

/** Every value checked, on every path (cached or not), before anything is printed. */
function checkValues(vars: Record<string, string>, format: EnvFormat): void {
  for (const [name, value] of Object.entries(vars)) {
    if (CONTROL.test(value) || (format === 'dotenv' && !DOTENV_SAFE.test(value))) throw new UnsafeEnvValue(name, format);
  }
}

/**
 * Variables env removes from the shell: with AWS_PROFILE beside the exported keys, the JavaScript
 * SDK takes the profile while the AWS CLI, boto3 and the Go SDK take the keys.
 */
export const UNSET_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'];

/**
 * Renders variables for a shell to evaluate (or a dotenv file, or JSON); the shells also unset
 * `unset` first. dotenv and JSON describe a new environment and have nothing to unset.
 */
export function renderEnv(vars: Record<string, string>, format: EnvFormat, unset: readonly string[] = []): string {
  checkValues(vars, format);
  const entries = Object.entries(vars);
  switch (format) {
    case 'bash':
    case 'zsh':
      return (unset.length ? `unset ${unset.join(' ')}\n` : '') + entries.map(([k, v]) => `export ${k}=${singleQuoted(v)}\n`).join('');
    case 'fish':
      // fish's set keeps the previous status: a bare erase of an unset variable (status 4) would
      // make `... | source; and aws ...` stop; an if without a taken branch leaves status 0
      return unset.map((k) => `if set -q ${k}; set -e ${k}; end;\n`).join('') + entries.map(([k, v]) => `set -gx ${k} ${fishQuoted(v)};\n`).join('');
    case 'powershell':
      return unset.map((k) => `Remove-Item Env:${k} -ErrorAction SilentlyContinue\n`).join('') + entries.map(([k, v]) => `$Env:${k} = ${powershellQuoted(v)}\n`).join('');
    case 'dotenv':
      // unquoted: `docker run --env-file` takes values literally; checkValues let only plain characters through
      return entries.map(([k, v]) => `${k}=${v}\n`).join('');
    case 'json':
      return JSON.stringify(vars, null, 2) + '\n';
  }
}

/** The line that renews the credentials in the same shell format, the profile quoted for that shell. */
export function renewCommand(profile: string, format: EnvFormat): string {
  const plain = /^[A-Za-z0-9_@%+=:,./-]+$/.test(profile);
  switch (format) {
    case 'fish':
      return `rolegate env ${plain ? profile : fishQuoted(profile)} --format fish | source`;
    case 'powershell':
      return `rolegate env ${plain ? profile : powershellQuoted(profile)} --format powershell | Invoke-Expression`;
    case 'dotenv':
    case 'json':
      return `rolegate env ${plain ? profile : singleQuoted(profile)} --format ${format}`;
    default:
      return `eval "$(rolegate env ${plain ? profile : singleQuoted(profile)})"`;
  }
}

/** The format for the shell the user runs, from $SHELL (PowerShell on Windows). */
export function detectFormat(env: NodeJS.ProcessEnv = process.env): EnvFormat {
  const shell = (env.SHELL ?? '').split('/').pop() ?? '';
  if (shell === 'fish') return 'fish';
  if (shell === 'zsh') return 'zsh';
  if (shell.startsWith('pwsh') || shell.startsWith('powershell') || (process.platform === 'win32' && !shell)) return 'powershell';
  return 'bash';
}

/** The profile's credentials as env hands them out. */
export interface EnvHandout {
  profile: string;
  credentials: TemporaryCredentials;
  region: string | undefined;
  /** A role is renewed from the MFA session; a session needs a new MFA code. */
  kind: 'role' | 'session';
}

/** The variables on stdout, and on stderr when they expire and how to renew them. */
export function envAnswer(handout: EnvHandout, format: EnvFormat, now: number = Date.now()): { stdout: string; stderr: string } {
  const { profile, credentials, region, kind } = handout;
  const expiration = formatExpiration(credentials.expiration);
  if (credentials.noExpiry) {
    // a static key as it stands in the files: nothing expires, and no stale token may stay beside it
    const vars = { ...credentialVariables(credentials, region), ROLEGATE_PROFILE: profile };
    const unset = [...UNSET_VARIABLES, ...['AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'ROLEGATE_EXPIRATION'].filter((name) => !(name in vars))];
    return { stdout: renderEnv(vars, format, unset), stderr: `rolegate: these are the static credentials of ${profile} as they stand in your AWS files; they do not expire\n` };
  }
  const vars = { ...credentialVariables(credentials, region), ROLEGATE_PROFILE: profile, ROLEGATE_EXPIRATION: expiration };
  const renew = kind === 'role' ? `; renew them with: ${renewCommand(profile, format)}` : `; then a new MFA code is needed: ${renewCommand(profile, format)}`;
  return {
    stdout: renderEnv(vars, format, UNSET_VARIABLES),
    stderr: `rolegate: these credentials of ${profile} expire at ${expiration} (in ${formatRemaining(credentials.expiration.getTime() - now)})${renew}\n`,
  };
}
