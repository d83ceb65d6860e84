/**
 * What `rolegate env` prints, for both of its paths: the fast one in main.cts (a cache hit through
 * the shortcut note) and the full one in env.ts. CommonJS, so the fast path loads it without the
 * ES module loader.
 */
import { credentialVariables, formatExpiration, formatRemaining, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

export const ENV_FORMATS = ['bash', 'zsh', 'fish', 'powershell', 'dotenv', 'json'] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

const singleQuoted = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const fishQuoted = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
const powershellQuoted = (value: string) => `'${value.replace(/'/g, "''")}'`;

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
      // unquoted: `docker run --env-file` takes values literally; the values hold no newlines
      return entries.map(([k, v]) => `${k}=${v}\n`).join('');
    case 'json':
      return JSON.stringify(vars, null, 2) + '\n';
  }
}

/** The line that renews the credentials in the same shell format. */
export function renewCommand(profile: string, format: EnvFormat): string {
  switch (format) {
    case 'fish':
      return `rolegate env ${profile} --format fish | source`;
    case 'powershell':
      return `rolegate env ${profile} --format powershell | Invoke-Expression`;
    case 'dotenv':
    case 'json':
      return `rolegate env ${profile} --format ${format}`;
    default:
      return `eval "$(rolegate env ${profile})"`;
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
  const vars = { ...credentialVariables(credentials, region), ROLEGATE_PROFILE: profile, ROLEGATE_EXPIRATION: expiration };
  const renew = kind === 'role' ? `; renew them with: ${renewCommand(profile, format)}` : `; then a new MFA code is needed: ${renewCommand(profile, format)}`;
  return {
    stdout: renderEnv(vars, format, UNSET_VARIABLES),
    stderr: `rolegate: these credentials of ${profile} expire at ${expiration} (in ${formatRemaining(credentials.expiration.getTime() - now)})${renew}\n`,
  };
}
