import { UserError } from '../userError.js';
import { isAwsTransientError } from '../aws/networkErrors.js';

/** The error code of an SDK service exception (`NoSuchEntity`, `AccessDenied`, ...). */
export function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; Code?: string; code?: string };
    return e.Code ?? e.name ?? e.code;
  }
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'NoSuchEntity' || errorCode(error) === 'NoSuchEntityException';
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const REJECTED = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException']);

/** What a principal needs for each group of calls, named in the error when one is denied. */
function policyNeeded(action: string): string {
  if (action.startsWith('iam:')) return 'IAMFullAccess (or AdministratorAccess)';
  return 'AdministratorAccess';
}

/**
 * Runs one AWS call as `action` (e.g. `iam:CreateUser`) and turns the faults a user can fix into
 * UserErrors that name the action. Everything else is rethrown as it is.
 */
export async function awsCall<T>(action: string, run: () => Promise<T>, who = 'the bootstrap identity'): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translateAwsError(error, action, who);
  }
}

export function translateAwsError(error: unknown, action: string, who = 'the bootstrap identity'): unknown {
  if (error instanceof UserError) return error;
  const code = errorCode(error);
  if (code === 'CredentialsProviderError' || (error instanceof Error && /Could not load credentials/i.test(error.message))) {
    return new UserError('no AWS credentials found to set up with', {
      next: 'run with --bootstrap-profile PROFILE (a profile of an administrator or the account root), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      cause: error,
    });
  }
  if (code && DENIED.has(code)) {
    return new UserError(`${who} is not allowed to call ${action} (AccessDenied)`, {
      next: `attach ${policyNeeded(action)} to it, or run with --bootstrap-profile PROFILE of an administrator`,
      cause: error,
    });
  }
  if (code && REJECTED.has(code)) {
    return new UserError(`AWS rejected the credentials of ${who} (${code})`, {
      next: 'check the access key (is it active, and for this account?), or run with --bootstrap-profile PROFILE',
      cause: error,
    });
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (code && status !== undefined && status >= 400 && status < 500 && !KNOWN_TO_CALLERS.has(code)) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return new UserError(`AWS refused ${action} (${code}): ${message}`, {
      next: 'fix what AWS names, then run the command again (it continues from where it stopped); --debug shows the whole answer',
      cause: error,
    });
  }
  return error;
}

/** Codes that callers of awsCall test for and act on: they stay SDK errors. */
const KNOWN_TO_CALLERS = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'EntityAlreadyExists',
  'EntityAlreadyExistsException',
  'MalformedPolicyDocument',
  'InvalidAuthenticationCode',
  'DeleteConflict',
  'DeleteConflictException',
  'LimitExceeded',
  'LimitExceededException',
]);

export const isAlreadyExists = (error: unknown): boolean => errorCode(error) === 'EntityAlreadyExists' || errorCode(error) === 'EntityAlreadyExistsException';

/**
 * A network, timeout or AWS-side failure met by setup, told with where setup stopped and what
 * stands: the steps before `resource` are done and stay, and a rerun continues from there.
 */
export function stoppedAt(error: unknown, resource: string | undefined, done: string[]): unknown {
  // an AwsTransientError, or a step's own account of one (what its lost answer may have left)
  if (!(error instanceof UserError) || !(isAwsTransientError(error) || isAwsTransientError(error.cause))) return error;
  const where = resource ? `setup stopped at ${resource}` : 'setup stopped before changing anything';
  const stands = resource ? (done.length ? `done and kept: ${done.join('; ')}` : 'nothing before it was changed') : 'nothing was changed';
  return new UserError(`${where}: ${error.message} (${stands})`, {
    next: `${error.next ?? 'run the command again'}; \`rolegate setup\` continues from where it stopped`,
    cause: error,
  });
}

/**
 * IAM is eventually consistent: right after CreateUser or CreateVirtualMFADevice, another call can
 * still get NoSuchEntity, and a trust policy naming the new user can be refused as an invalid
 * principal. Such calls are retried with backoff for a while before the error counts.
 */
export async function retryWhileSpreading<T>(
  run: () => Promise<T>,
  isSpreading: (error: unknown) => boolean,
  options: { maxWaitMs?: number; firstDelayMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.maxWaitMs ?? 30_000);
  let delay = options.firstDelayMs ?? 1000;
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (!isSpreading(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 8000);
    }
  }
}

export const isInvalidPrincipal = (error: unknown): boolean =>
  errorCode(error) === 'MalformedPolicyDocument' && error instanceof Error && /principal/i.test(error.message);
