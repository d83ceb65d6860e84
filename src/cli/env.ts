import type { Command } from 'commander';

export const ENV_FORMATS = ['bash', 'zsh', 'fish', 'powershell', 'dotenv', 'json'] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

const singleQuoted = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const fishQuoted = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
const powershellQuoted = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Renders variables for a shell to evaluate (or a dotenv file, or JSON). */
export function renderEnv(vars: Record<string, string>, format: EnvFormat): string {
  const entries = Object.entries(vars);
  switch (format) {
    case 'bash':
    case 'zsh':
      return entries.map(([k, v]) => `export ${k}=${singleQuoted(v)}\n`).join('');
    case 'fish':
      return entries.map(([k, v]) => `set -gx ${k} ${fishQuoted(v)};\n`).join('');
    case 'powershell':
      return entries.map(([k, v]) => `$Env:${k} = ${powershellQuoted(v)}\n`).join('');
    case 'dotenv':
      // unquoted: `docker run --env-file` takes values literally; the values hold no newlines
      return entries.map(([k, v]) => `${k}=${v}\n`).join('');
    case 'json':
      return JSON.stringify(vars, null, 2) + '\n';
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
      'Print temporary credentials of a profile as environment variables, for a shell to evaluate. Asks for an MFA code only when the cached session has run out. Sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and the region; never AWS_PROFILE (a profile beside static keys makes tools disagree about who you are).',
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
      const { getProfileCredentials, defaultProfileName, reportingOptions, credentialVariables } = await import('../credentials/profileCredentials.js');
      const { parseDuration } = await import('../credentials/duration.js');
      const duration = flags.duration === undefined ? undefined : parseDuration(flags.duration);
      const profile = profileArg ?? defaultProfileName();
      const { credentials, region } = await getProfileCredentials(profile, reportingOptions(process.env, duration));
      process.stdout.write(renderEnv(credentialVariables(credentials, region), format as EnvFormat));
    });
}
