import type { Command } from 'commander';
import type { ChildProcess } from 'node:child_process';

/** Signals passed on to the command. SIGINT and SIGQUIT from a terminal already reach it (same process group). */
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGINT', 'SIGQUIT'];
const DIE_WITH: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGKILL', 'SIGABRT', 'SIGALRM', 'SIGUSR2'];

/** Splits `[PROFILE] -- CMD ARGS...` out of the raw argv (commander drops the `--` position). */
export function splitExecArgs(argv: string[]): { before: string[]; command: string[] } {
  const start = argv.indexOf('exec');
  const rest = argv.slice(start + 1);
  const dashes = rest.indexOf('--');
  return dashes < 0 ? { before: rest, command: [] } : { before: rest.slice(0, dashes), command: rest.slice(dashes + 1) };
}

/**
 * The command's environment: ours, the profile's temporary credentials, never AWS_PROFILE beside
 * them, and none of rolegate's own secrets (the key file's passphrase stays with rolegate).
 */
export async function commandEnvironment(base: NodeJS.ProcessEnv, credentials: Record<string, string>, profile: string): Promise<NodeJS.ProcessEnv> {
  const { childEnv } = await import('../childEnv.js');
  const env = childEnv({ ...base, ...credentials, ROLEGATE_PROFILE: profile });
  delete env.AWS_PROFILE;
  delete env.AWS_DEFAULT_PROFILE;
  return env;
}

export function register(program: Command): void {
  program
    .command('exec')
    .summary('run a command with temporary credentials of a profile in its environment')
    .argument('[profile]', 'the profile (default: $AWS_PROFILE, else default)')
    .argument('[command...]', 'the command to run, after --')
    .description(
      'Run a command with temporary credentials of a profile in its environment. Signals and the exit status are passed through. ' +
        'Refuses to run inside an environment that already holds AWS credentials (a nested exec, or after eval "$(rolegate env)"), since the two would disagree.',
    )
    .option('--duration <duration>', 'length of a new MFA session (15m to 36h)')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate exec admin -- terraform apply
  $ rolegate exec admin -- aws iam list-roles
  $ rolegate exec -- python deploy.py          the default profile ($AWS_PROFILE, else default)`,
    )
    .action(async (_profile: string | undefined, _command: string[], flags: { duration?: string }) => {
      const { badInput, UserError } = await import('../userError.js');
      const { before, command } = splitExecArgs(process.argv);
      const operands = before.filter((a) => !a.startsWith('-') && a !== flags.duration);
      if (command.length === 0) throw badInput('exec needs a command after --', 'rolegate exec admin -- aws sts get-caller-identity');
      if (operands.length > 1) throw badInput(`exec takes one profile before --, got: ${operands.join(' ')}`, 'rolegate exec admin -- CMD ARGS...');
      const { getProfileCredentials, defaultProfileName, reportingOptions, credentialVariables, CREDENTIAL_VARIABLES } = await import(
        '../credentials/profileCredentials.js'
      );
      const present = CREDENTIAL_VARIABLES.filter((name) => process.env[name]);
      if (present.length > 0) {
        throw new UserError(
          `AWS credentials are already in this environment (${present.join(', ')})${process.env.ROLEGATE_PROFILE ? `, from rolegate exec ${process.env.ROLEGATE_PROFILE}` : ''}; refusing to nest`,
          { exitCode: 2, next: `leave that environment first, or run: unset ${CREDENTIAL_VARIABLES.join(' ')}` },
        );
      }
      const { parseDuration } = await import('../credentials/duration.js');
      const duration = flags.duration === undefined ? undefined : parseDuration(flags.duration);
      const profile = operands[0] ?? defaultProfileName();
      const { credentials, region } = await getProfileCredentials(profile, reportingOptions(process.env, duration));
      process.exitCode = await runChild(command, await commandEnvironment(process.env, credentialVariables(credentials, region), profile));
    });
}

async function runChild(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { spawn } = await import('node:child_process');
  const [file, ...args] = command as [string, ...string[]];
  // Handlers go in before the command starts: a signal that arrives in between must not kill
  // rolegate with its default action and orphan the command.
  const interactive = Boolean(process.stdin.isTTY);
  let child: ChildProcess | undefined;
  const pending: NodeJS.Signals[] = [];
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of FORWARDED) {
    // From a terminal, Ctrl-C and Ctrl-\ reach the command directly; forwarding them again would
    // make it see two (Terraform takes a second Ctrl-C as "stop now"). Otherwise pass them on.
    const handler = () => {
      if (interactive && (signal === 'SIGINT' || signal === 'SIGQUIT')) return;
      if (child) child.kill(signal);
      else pending.push(signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  child = spawn(file, args, { env, stdio: 'inherit' });
  for (const signal of pending) child.kill(signal);
  const started = child;
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException }>((resolve) => {
    started.once('error', (error) => resolve({ error }));
    started.once('exit', (code, signal) => resolve({ code, signal }));
  });
  for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  if ('error' in outcome) {
    const { UserError } = await import('../userError.js');
    if (outcome.error.code === 'ENOENT') throw new UserError(`command not found: ${file}`, { exitCode: 2, next: 'check the command name and PATH' });
    throw new UserError(`could not run ${file}: ${outcome.error.message}`);
  }
  if (outcome.signal) {
    const { constants } = await import('node:os');
    const number = constants.signals[outcome.signal] ?? 1;
    // Die of the same signal, so the caller sees what the command saw (as a shell would). Only
    // for signals whose default action ends node: SIGUSR1 would start its inspector instead.
    if (DIE_WITH.includes(outcome.signal)) {
      process.kill(process.pid, outcome.signal);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return 128 + number;
  }
  return outcome.code ?? 1;
}
