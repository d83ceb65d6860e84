import type { Command } from 'commander';

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

export function register(program: Command): void {
  program
    .command('env')
    .summary('print temporary credentials as environment variables (bash, zsh, fish, powershell, dotenv, json)')
    .argument('[profile]', 'the profile (default: $AWS_PROFILE, else default)')
    .description(
      'Print temporary credentials of a profile as environment variables, for a shell to evaluate. Asks for an MFA code only when the cached session has run out. Sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and the region, lasting at least 40 minutes, ' +
        'and ROLEGATE_PROFILE and ROLEGATE_EXPIRATION for shell prompts; unsets AWS_PROFILE and AWS_DEFAULT_PROFILE (a profile beside static keys makes tools disagree about who you are). ' +
        'Says on stderr when the credentials expire and how to renew them.',
    )
    .option('--format <format>', `${ENV_FORMATS.join(' | ')} (default: from $SHELL)`)
    .option('--duration <duration>', 'length of a new MFA session (15m to 36h)', undefined)
    .addHelpText(
      'after',
      `
Examples:
  $ eval "$(rolegate env admin)"                  bash / zsh
  $ rolegate env admin --format fish | source      fish
  PS> rolegate env admin --format powershell | Invoke-Expression
  $ rolegate env --format dotenv > .env.aws && docker run --env-file .env.aws amazon/aws-cli sts get-caller-identity`,
    )
    .action(async (profileArg: string | undefined, flags: { format?: string; duration?: string }) => {
      const { badInput } = await import('../userError.js');
      const format = flags.format ?? detectFormat();
      if (!(ENV_FORMATS as readonly string[]).includes(format)) throw badInput(`unknown format ${format}`, `use one of: ${ENV_FORMATS.join(', ')}`);
      const { getProfileCredentials, defaultProfileName, reportingOptions, credentialVariables, HANDOUT_MARGIN_MS } = await import('../credentials/profileCredentials.js');
      const { parseDuration, formatRemaining } = await import('../credentials/duration.js');
      const { formatExpiration } = await import('../cache/temporaryCredentials.cjs');
      const duration = flags.duration === undefined ? undefined : parseDuration(flags.duration);
      const profile = profileArg ?? defaultProfileName();
      const { credentials, region, spec } = await getProfileCredentials(profile, reportingOptions(process.env, duration, HANDOUT_MARGIN_MS));
      const expiration = formatExpiration(credentials.expiration);
      const vars = { ...credentialVariables(credentials, region), ROLEGATE_PROFILE: profile, ROLEGATE_EXPIRATION: expiration };
      process.stdout.write(renderEnv(vars, format as EnvFormat, UNSET_VARIABLES));
      const renew = spec.kind === 'role' ? `; renew them with: ${renewCommand(profile, format as EnvFormat)}` : `; then a new MFA code is needed: ${renewCommand(profile, format as EnvFormat)}`;
      process.stderr.write(`rolegate: these credentials of ${profile} expire at ${expiration} (in ${formatRemaining(credentials.expiration.getTime() - Date.now())})${renew}\n`);
    });
}
