import { Command, CommanderError, Help } from 'commander';
import { createRequire } from 'node:module';
import { isUserError } from '../userError.js';
import { reportError } from './output.js';
import { commandRegistrations } from './commands.js';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('rolegate')
    .description(
      'Safe everyday AWS credentials: a read-only key on the laptop, MFA once a day,\n' +
        'an admin role that can only be assumed with MFA, set up and verified in one command.',
    )
    .version(version, '-V, --version')
    .option('--debug', 'print stack traces and SDK details on errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({
      sortSubcommands: false,
      // one mark for an option a command cannot run without, in every command's help
      optionDescription(option) {
        const text = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `${text} (required)` : text;
      },
    })
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate setup                      create the read-only user, MFA device, admin role and profiles
  $ aws s3 ls                           read-only (one MFA code the first time each day)
  $ rolegate exec admin -- terraform apply
  $ rolegate profiles                   list profiles and what is risky about them

Timeouts: every AWS call gives up after 3 attempts of at most 15 s each (5 s to
connect), about 46 s in all; the STS calls of credential-process, exec and env after
2 attempts of 10 s (3 s to connect), about 21 s; a call that carries an MFA code is never
sent again with the same code (AWS takes each code once). ROLEGATE_AWS_CONNECT_TIMEOUT,
ROLEGATE_AWS_REQUEST_TIMEOUT (seconds) and AWS_MAX_ATTEMPTS change them.`,
    );
  program.exitOverride();
  for (const register of commandRegistrations) register(program);
  for (const command of program.commands) showRequiredInUsage(command);
  return program;
}

/** `Usage: rolegate import --store <kind> [options] [profile]`: the required options in the usage line too. */
function showRequiredInUsage(command: Command): void {
  const required = command.options.filter((o) => o.mandatory).map((o) => o.flags);
  if (required.length) command.usage(`${required.join(' ')} ${command.usage()}`);
  for (const sub of command.commands) showRequiredInUsage(sub);
}

/** Runs the CLI and returns the exit code; never throws. */
export async function runProgram(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; usage errors are bad input
      return error.exitCode === 0 ? 0 : 2;
    }
    const debug = argv.includes('--debug');
    reportError(error, debug);
    return isUserError(error) ? error.exitCode : 1;
  }
}
