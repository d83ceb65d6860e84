/**
 * `rolegate credential-process PROFILE [--duration D]`: the AWS `credential_process` contract.
 * Prints {"Version": 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration} on stdout, or a
 * message on stderr and a non-zero exit. main.ts calls this without commander: on a cache hit the
 * module graph is this file, the profile reader and the cache readers; no SDK, keyring, prompt or
 * commander module is loaded (test/e2e/credModuleGraph.test.ts checks that).
 */
import { readSharedProfiles } from '../config/profiles.js';
import { lookupCached } from '../credentials/cachedCredentials.js';
import { describeProfile } from '../credentials/profileSpec.js';
import { parseDuration } from '../credentials/duration.js';
import { toAwsShape, type TemporaryCredentials } from '../credentials/temporaryCredentials.js';
import { isUserError } from '../userError.js';

const USAGE = `usage: rolegate credential-process PROFILE [--duration 12h]

Prints temporary credentials for PROFILE in the format of the AWS CLI's credential_process
setting. Meant for ~/.aws/config, e.g.:
  [profile admin]
  credential_process = rolegate credential-process admin
`;

function fail(message: string, next: string | undefined, code: number): number {
  process.stderr.write(`rolegate: ${message}\n${next ? `  next: ${next}\n` : ''}`);
  return code;
}

export async function runCredentialProcess(args: string[]): Promise<number> {
  let profile: string | undefined;
  let durationText: string | undefined;
  let debug = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
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
    const sessionDurationSeconds = durationText === undefined ? undefined : parseDuration(durationText);
    const shared = await readSharedProfiles(env);
    const spec = describeProfile(shared, profile);
    let credentials: TemporaryCredentials | undefined = (await lookupCached(spec, env)).credentials;
    if (!credentials) {
      const { resolveCredentials } = await import('../credentials/resolveCredentials.js');
      credentials = await resolveCredentials(shared, spec, {
        env,
        sessionDurationSeconds,
        onWait: (pid) => process.stderr.write(`rolegate: waiting for another rolegate process (pid ${pid}) that is refreshing these credentials\n`),
        onWarning: (message) => process.stderr.write(`rolegate: warning: ${message}\n`),
      });
    }
    process.stdout.write(JSON.stringify({ Version: 1, ...toAwsShape(credentials) }) + '\n');
    return 0;
  } catch (error) {
    if (isUserError(error)) {
      if (debug && error.cause) process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
      return fail(error.message, error.next, error.exitCode);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return fail(`unexpected error: ${message}`, 'run again with --debug for details, and report it if it persists', 1);
  }
}
