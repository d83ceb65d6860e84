import type { Command } from 'commander';
import { commandEnvironment, commandToRun, credentialsInEnvironment, CREDENTIAL_VARIABLES, plainVariables, runChild } from './execChild.cjs';
import { ENDPOINT_MARGIN_MS } from '../cache/temporaryCredentials.cjs';

export { commandEnvironment } from './execChild.cjs';


/** Splits `[PROFILE] -- CMD ARGS...` out of the raw argv (commander drops the `--` position). */
export function splitExecArgs(argv: string[]): { before: string[]; command: string[] } {
  const start = argv.indexOf('exec');
  const rest = argv.slice(start + 1);
  const dashes = rest.indexOf('--');
  return dashes < 0 ? { before: rest, command: [] } : { before: rest.slice(0, dashes), command: rest.slice(dashes + 1) };
}


/** Options exec takes before `--` (anything else that looks like one belongs to the command). */
const EXEC_OPTIONS = ['--duration', '--env-only', '--debug'];

/** What the endpoint serves (ENDPOINT_MARGIN_MS): at least 20 minutes left, or two thirds of the lifetime. */
export const ENDPOINT_WANTED_MS = ENDPOINT_MARGIN_MS;


export function register(program: Command): void {
  program
    .command('exec')
    .summary('run a command (or your shell) with temporary credentials of a profile')
    .argument('[profile]', 'the profile (default: $AWS_PROFILE, else default)')
    .argument('[command...]', 'the command to run, after -- (none: your $SHELL)')
    .description(
      'Run a command with temporary credentials of a profile. By default the command gets them from a credentials endpoint that rolegate serves on 127.0.0.1 for as long as the command runs ' +
        '(AWS_CONTAINER_CREDENTIALS_FULL_URI with a random AWS_CONTAINER_AUTHORIZATION_TOKEN, read by every AWS SDK, the AWS CLI and Terraform), renewing role credentials from the MFA session, so a long command never runs out. ' +
        '--env-only passes plain AWS_ACCESS_KEY_ID/... variables instead, lasting at least 40 minutes. Signals and the exit status are passed through; a command that is not found exits 127. ' +
        'Sets ROLEGATE_PROFILE and ROLEGATE_EXPIRATION for shell prompts. Refuses to run inside an environment that already holds AWS credentials (a nested exec, or after eval "$(rolegate env)").',
    )
    .option('--duration <duration>', 'length of a new MFA session (15m to 36h)')
    .option('--env-only', 'pass the credentials as plain environment variables (no endpoint); they last at least 40 minutes')
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate exec admin -- terraform apply
  $ rolegate exec admin -- aws iam list-roles
  $ rolegate exec admin                        your $SHELL with admin credentials (exit to leave)
  $ rolegate exec admin --env-only -- docker run -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN amazon/aws-cli s3 ls
  $ rolegate exec -- python deploy.py          the default profile ($AWS_PROFILE, else default)`,
    )
    .action(async (_profile: string | undefined, _command: string[], flags: { duration?: string; envOnly?: boolean }) => {
      const { badInput, UserError } = await import('../userError.js');
      const { before, command: given } = splitExecArgs(process.argv);
      const stray = before.find((a) => a.startsWith('-') && !EXEC_OPTIONS.includes(a.split('=')[0]!));
      if (stray) {
        // what the person probably meant: everything after the profile is the command
        const at = before.findIndex((a) => !a.startsWith('-'));
        const { quotePosix } = await import('../shellQuote.js');
        const words = (list: string[]) => list.map(quotePosix).join(' ');
        const meant = at >= 0 && at < before.length - 1 ? `rolegate exec ${quotePosix(before[at]!)} -- ${words(before.slice(at + 1))}` : `rolegate exec ${before[at] === undefined ? 'PROFILE' : quotePosix(before[at]!)} -- CMD ${quotePosix(stray)} ...`;
        throw badInput(`unknown exec option ${stray}; options of the command go after --`, meant);
      }
      const operands = before.filter((a) => !a.startsWith('-') && a !== flags.duration);
      if (operands.length > 1) {
        const { quotePosix } = await import('../shellQuote.js');
        throw badInput(`exec takes one profile before --, got: ${operands.join(' ')}`, `put -- before the command: rolegate exec ${quotePosix(operands[0]!)} -- ${operands.slice(1).map(quotePosix).join(' ')}`);
      }
      const { getProfileCredentials, defaultProfileName, reportingOptions, HANDOUT_MARGIN_MS } = await import('../sources/profileCredentials.js');
      const present = credentialsInEnvironment(process.env);
      if (present.length > 0) {
        throw new UserError(
          `AWS credentials are already in this environment (${present.join(', ')})${process.env.ROLEGATE_PROFILE ? `, from rolegate exec ${process.env.ROLEGATE_PROFILE}` : ''}; refusing to nest`,
          { exitCode: 2, next: `leave that environment first, or run: unset ${CREDENTIAL_VARIABLES.join(' ')}` },
        );
      }
      const { parseDuration } = await import('../credentials/duration.js');
      const duration = flags.duration === undefined ? undefined : parseDuration(flags.duration);
      const profile = operands[0] ?? defaultProfileName();
      const { formatExpiration } = await import('../cache/temporaryCredentials.cjs');

      let endpoint: Awaited<ReturnType<typeof import('../credentials/containerEndpoint.cjs').startContainerEndpoint>> | undefined;
      let removeConfigCopy: (() => void) | undefined;
      let vars: Record<string, string>;
      // Asked for up front, so an MFA prompt comes before the command starts.
      const wantedMs = flags.envOnly ? HANDOUT_MARGIN_MS : ENDPOINT_WANTED_MS;
      // stamped before the files are read, for the endpoint note (as the shortcut note is)
      const [{ stampFile }, { sharedFilePaths }] = await Promise.all([import('../cache/credentialProcessShortcut.cjs'), import('../config/sharedFilePaths.js')]);
      const shared = sharedFilePaths(process.env);
      const stamps = [stampFile(shared.configFile), stampFile(shared.credentialsFile)];
      const first = await getProfileCredentials(profile, reportingOptions(process.env, duration, wantedMs));
      // a static key (no expiration, maybe no token) is passed as it is: no endpoint to renew it
      let useEndpoint = !flags.envOnly && !first.credentials.noExpiry;
      let configCopy: string | undefined;
      if (useEndpoint) {
        const { endpointChildConfig } = await import('../credentials/endpointChildConfig.js');
        const childConfig = await endpointChildConfig(process.env);
        if (childConfig.kind === 'unusable') {
          process.stderr.write(`rolegate: passing plain variables instead of the credentials endpoint: ${childConfig.reason}\n`);
          useEndpoint = false;
        } else if (childConfig.kind === 'copy') {
          configCopy = childConfig.configFile;
          removeConfigCopy = childConfig.remove;
        }
        if (childConfig.kind !== 'unusable') {
          // what the next `exec PROFILE -- CMD` answered from the cache needs (cli/execEndpointFromCache.cts)
          const [{ writeEndpointNote }, { sessionCacheFile }, { sessionEntryName }] = await Promise.all([
            import('../cache/endpointNote.cjs'),
            import('../files/rolegatePaths.cjs'),
            import('../cache/sessionCache.js'),
          ]);
          const chained = first.spec.kind === 'role' && first.spec.role.chain === 'session' ? first.spec.role.session : undefined;
          await writeEndpointNote(
            profile,
            process.env,
            stamps,
            childConfig.kind === 'copy' ? { kind: 'copy', text: childConfig.text } : { kind: 'as-is' },
            chained ? { file: sessionCacheFile(sessionEntryName(chained.keyProfile), process.env), mfaSerial: chained.mfaSerial } : undefined,
          );
        }
      }
      try {
        if (useEndpoint) {
          const { startContainerEndpoint } = await import('../credentials/containerEndpoint.cjs');
          // after the first answer, renewals come from the cache and the MFA session (see resolveCredentials)
          let next: Promise<{ credentials: import('../cache/temporaryCredentials.cjs').TemporaryCredentials }> | undefined = Promise.resolve(first);
          endpoint = await startContainerEndpoint({
            credentials: async () => {
              const answer = next ?? getProfileCredentials(profile, reportingOptions(process.env, duration, ENDPOINT_WANTED_MS));
              next = undefined;
              return (await answer).credentials;
            },
            onError: (error) => process.stderr.write(`rolegate: could not renew the credentials of ${profile}: ${error instanceof Error ? error.message : String(error)}\n`),
          });
          const { sourceFor } = await import('../sources/dispatch.js');
          // what lasts while the endpoint renews: the session behind the credentials (the MFA
          // session of rolegate's session chain, an SSO token, a console sign-in), else themselves
          const source = await sourceFor(first.spec);
          const sessionEnds = source.sessionEnds ? await source.sessionEnds(first.spec as never, process.env) : undefined;
          vars = {
            AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
            AWS_CONTAINER_AUTHORIZATION_TOKEN: endpoint.token,
            ...regionVariables(first.region),
            ROLEGATE_EXPIRATION: formatExpiration(sessionEnds ?? first.credentials.expiration),
            ...(configCopy ? { AWS_CONFIG_FILE: configCopy } : {}),
          };
        } else {
          const handout = flags.envOnly ? first : await getProfileCredentials(profile, reportingOptions(process.env, duration, HANDOUT_MARGIN_MS));
          vars = plainVariables(handout.credentials, handout.region);
        }
        const command = commandToRun(given, profile, process.env);
        const cleanup = async () => {
          await endpoint?.close();
          removeConfigCopy?.();
        };
        process.exitCode = await runChild(command, commandEnvironment(process.env, vars, profile), cleanup);
      } finally {
        await endpoint?.close();
        removeConfigCopy?.();
      }
    });
}

function regionVariables(region: string | undefined): Record<string, string> {
  return region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {};
}
