/**
 * `rolegate credential-process PROFILE [--duration D]`: the AWS `credential_process` contract.
 * Prints {"Version": 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration} on stdout, or a
 * message on stderr and a non-zero exit. main.cts answers a cache hit through the shortcut note
 * before this module loads, and calls this without commander when it cannot; then the module graph
 * is this file, the profile reader and the cache readers; no SDK, keyring, prompt or commander
 * module is loaded (test/e2e/credModuleGraph.test.ts checks that).
 */
import type { Command } from 'commander';
import { credentialProcessLine, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { writeOut } from './writeOut.cjs';

/** Reads the profiles, looks in the cache, refreshes if need be; leaves a shortcut for next time. */
async function fullPath(profile: string, durationText: string | undefined, env: NodeJS.ProcessEnv, wantedMs?: number): Promise<TemporaryCredentials> {
  const { lookupOrRefresh } = await import('../sources/lookupOrRefresh.js');
  return lookupOrRefresh(profile, env, { durationText, wantedMs, report: (line) => writeOut(2, line) });
}

/**
 * Credentials for exec's endpoint answered from the cache (cli/execEndpointFromCache.cts), when it
 * renews: the same lookup and chain, wanting `wantedMs` left. Imported as ./credentialProcess.js so
 * the bundle keeps it out of main.cjs.
 */
export function renewedCredentials(profile: string, env: NodeJS.ProcessEnv, wantedMs: number): Promise<TemporaryCredentials> {
  return fullPath(profile, undefined, env, wantedMs);
}

/** How a failure is said (loaded on failure only). */
async function fail(message: string, next: string | undefined, code: number): Promise<number> {
  return (await import('./credentialProcessFailure.js')).fail(message, next, code);
}

export async function runCredentialProcess(args: string[]): Promise<number> {
  let profile: string | undefined;
  let durationText: string | undefined;
  let debug = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      // the help is commander's, in the style of every other command's (loaded for --help only)
      const { runProgram } = await import('./program.js');
      return runProgram([process.argv[0]!, process.argv[1]!, 'credential-process', '--help']);
    } else if (arg === '--debug') debug = true;
    else if (arg === '--duration') durationText = args[++i];
    else if (arg.startsWith('--duration=')) durationText = arg.slice('--duration='.length);
    else if (arg.startsWith('-')) return fail(`unknown option ${arg}`, 'run rolegate credential-process --help', 2);
    else if (profile === undefined) profile = arg;
    else return fail(`unexpected argument ${arg}`, 'run rolegate credential-process --help', 2);
  }
  if (profile === undefined) return fail('credential-process needs a profile name', 'run rolegate credential-process --help', 2);
  const env = process.env;
  try {
    if (durationText === '') throw new Error('--duration needs a value');
    const credentials = await fullPath(profile, durationText, env);
    writeOut(1, credentialProcessLine(credentials));
    return 0;
  } catch (error) {
    const { failWith } = await import('./credentialProcessFailure.js');
    return failWith(error, debug);
  }
}

/**
 * Lists the command in `rolegate --help`. main.ts answers `rolegate credential-process ...` before
 * commander loads; this action runs only when a global flag comes first (`rolegate --debug credential-process P`).
 */
export function register(program: Command): void {
  program
    .command('credential-process')
    .summary('print temporary credentials for PROFILE (the credential_process helper the profiles call)')
    .description(
      "Print temporary credentials for PROFILE as one line of JSON, the contract of the AWS CLI's and the SDKs' " +
        'credential_process setting; on failure, a message on stderr and a non-zero exit. The profiles setup writes ' +
        'call it. Asks for an MFA code (mfa_process, the terminal, or a desktop dialog) only when the cached session has run out.',
    )
    .argument('<profile>', 'the profile to print credentials for')
    .option('--duration <duration>', 'MFA session length, e.g. 12h (at most 36h)')
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate credential-process admin                what the AWS CLI runs for [profile admin]
  $ rolegate credential-process default --duration 8h   a shorter MFA session

In ~/.aws/config:
  [profile admin]
  credential_process = rolegate credential-process admin

A refresh that AWS does not answer ends after 2 attempts of 10 s (about 21 s; see
ROLEGATE_AWS_REQUEST_TIMEOUT in the README), with the endpoint named on stderr. A call that
carries an MFA code is never sent again with the same code: AWS may have used it, and takes
each code once.`,
    )
    .action(async (profile: string, flags: { duration?: string }) => {
      process.exitCode = await runCredentialProcess(flags.duration ? [profile, '--duration', flags.duration] : [profile]);
    });
}
