import type { Command } from 'commander';
import { detectFormat, ENV_FORMATS, envAnswer, UnsafeEnvValue, type EnvFormat } from './envFormat.cjs';

export { detectFormat, renderEnv, renewCommand, ENV_FORMATS, UNSET_VARIABLES, type EnvFormat } from './envFormat.cjs';

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
      const { getProfileCredentials, defaultProfileName, reportingOptions, HANDOUT_MARGIN_MS } = await import('../sources/profileCredentials.js');
      const { parseDuration } = await import('../credentials/duration.js');
      const duration = flags.duration === undefined ? undefined : parseDuration(flags.duration);
      const profile = profileArg ?? defaultProfileName();
      const { credentials, region, handout } = await getProfileCredentials(profile, reportingOptions(process.env, duration, HANDOUT_MARGIN_MS));
      let answer: { stdout: string; stderr: string };
      try {
        answer = envAnswer({ profile, credentials, region, kind: handout }, format as EnvFormat);
      } catch (error) {
        if (!(error instanceof UnsafeEnvValue)) throw error;
        const { quotePosix } = await import('../shellQuote.js');
        throw badInput(error.message, error.variable === 'AWS_REGION' || error.variable === 'AWS_DEFAULT_REGION' ? `fix the region of profile ${quotePosix(profile)} in your AWS config` : `use another --format (bash, zsh, fish, powershell, json), or a profile name of letters, digits and -_.`);
      }
      process.stdout.write(answer.stdout);
      process.stderr.write(answer.stderr);
    });
}
