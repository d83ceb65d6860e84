/** Who a long-term key belongs to (STS GetCallerIdentity), and the proof that a new key works. */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createStsClient } from '../aws/clients.js';
import { UserError } from '../userError.js';
import { isAwsTransientError, isUnreachable } from '../aws/networkErrors.js';
import type { LongTermKey } from './rotation.js';

/** Test hook: makes the proof fail at once, as if the new key never started to work. */
export const FAIL_PROOF_VARIABLE = 'ROLEGATE_TEST_FAIL_PROOF';

export async function callerArn(key: LongTermKey, env: NodeJS.ProcessEnv): Promise<string> {
  const sts = createStsClient({ credentials: key, env });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Arn) throw new Error('GetCallerIdentity returned no ARN');
    return identity.Arn;
  } finally {
    sts.destroy();
  }
}

/** The IAM user name in a user ARN (arn:aws:iam::ACCT:user/path/NAME), else undefined. */
export function userNameFromArn(arn: string): string | undefined {
  const match = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match?.[1];
}

export async function userNameOfKey(key: LongTermKey, profile: string, env: NodeJS.ProcessEnv): Promise<string> {
  let arn: string;
  try {
    arn = await callerArn(key, env);
  } catch (error) {
    // STS out of reach says nothing about the key: its own words name the endpoint; nothing was changed yet
    if (isAwsTransientError(error)) throw new UserError(`${error.message}; nothing was changed`, { next: error.next, cause: error });
    throw new UserError(`the key profile ${profile} uses (${key.accessKeyId}) does not work: ${(error as Error).message}`, {
      next: 'if the key was deleted or deactivated, run rolegate setup to create a new one; or name the user with --user-name',
      cause: error,
    });
  }
  const name = userNameFromArn(arn);
  if (name === undefined) {
    throw new UserError(`the key profile ${profile} uses belongs to ${arn}, not to an IAM user`, {
      next: arn.endsWith(':root')
        ? 'root access keys should be deleted, not rotated: delete it in the console (Security credentials), then use rolegate setup'
        : 'rotate only the long-term key of an IAM user; pass the profile that holds it',
    });
  }
  return name;
}

export interface ProofOptions {
  env: NodeJS.ProcessEnv;
  log(message: string): void;
  /** Total time to wait for IAM's eventual consistency (default 2 minutes). */
  timeoutMs?: number;
  sleep?(ms: number): Promise<void>;
  /** Who the key is (default: STS GetCallerIdentity); replaceable in unit tests. */
  identify?(key: LongTermKey): Promise<string>;
}

/**
 * Resolves once the new key authenticates as the user. A new key may be refused for a few seconds
 * (IAM is eventually consistent): retry with exponential backoff, saying that it waits.
 */
export async function proveKeyWorks(key: LongTermKey, userName: string, options: ProofOptions): Promise<void> {
  if (globalThis.ROLEGATE_TEST_HOOKS !== false && options.env[FAIL_PROOF_VARIABLE]) {
    throw new UserError(`the new key ${key.accessKeyId} did not work (forced by the test hook ${FAIL_PROOF_VARIABLE})`, {
      next: 'unset the test hook and run rolegate rotate again',
    });
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const identify = options.identify ?? ((k: LongTermKey) => callerArn(k, options.env));
  const started = Date.now();
  let waited = 0;
  let delay = 1000;
  let said = false;
  let last = '';
  for (;;) {
    try {
      const arn = await identify(key);
      if (userNameFromArn(arn) === userName) return;
      last = `it authenticated as ${arn}, not as user ${userName}`;
    } catch (error) {
      if (isUnreachable(error)) throw error; // waiting out eventual consistency cannot help an endpoint that is not there
      last = (error as Error).message;
    }
    // Time asleep counts even when `sleep` is a fake; real time covers slow STS answers.
    if (Math.max(Date.now() - started, waited) + delay > timeoutMs) break;
    if (!said) {
      options.log(`waiting for the new key ${key.accessKeyId} to work (IAM is eventually consistent; up to ${Math.round(timeoutMs / 1000)} s)`);
      said = true;
    }
    await sleep(delay);
    waited += delay;
    delay = Math.min(delay * 2, 10_000);
  }
  throw new UserError(`the new key ${key.accessKeyId} did not work within ${Math.round(timeoutMs / 1000)} s: ${last}`, {
    next: 'check the AWS status page and the user in IAM, then run rolegate rotate again',
  });
}
