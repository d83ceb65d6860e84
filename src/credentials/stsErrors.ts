/** STS failures, turned into messages that say what happened and what to do next. */
import { UserError, isUserError } from '../userError.js';
import { quotePosix } from '../shellQuote.js';

export type StsCallContext =
  | { call: 'GetSessionToken'; keyProfile: string; mfaSerial: string }
  | { call: 'AssumeRole'; profile: string; roleArn: string; keyProfile: string };

/** AWS's answer to a wrong, expired or already used MFA code. */
export function isMfaCodeRejection(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  const message = (e?.message ?? '').split('\n')[0] ?? '';
  // AWS says "MultiFactorAuthentication failed with invalid MFA one time pass code" (a wrong code)
  // or "MultiFactorAuthentication failed, unable to validate MFA code" (a used one). A looser
  // match would take a denial that merely names a user such as mfa-ops for a refused code.
  return (e?.name === 'AccessDenied' || e?.name === 'AccessDeniedException') && /MultiFactorAuthentication failed|invalid MFA one time pass ?code/i.test(message);
}

export function stsError(error: unknown, context: StsCallContext, env: NodeJS.ProcessEnv): UserError {
  if (isUserError(error)) return error;
  const e = error as { name?: string; code?: string; message?: string; $metadata?: unknown };
  const name = e.name ?? '';
  const message = (e.message ?? String(error)).split('\n')[0] ?? '';
  const options = { cause: error };
  if (isMfaCodeRejection(error)) {
    const serial = context.call === 'GetSessionToken' ? context.mfaSerial : 'your MFA device';
    return new UserError(`the MFA code was not accepted for ${serial} (${message})`, {
      ...options,
      next: 'wait for the next code and run the command again; if it keeps failing, check mfa_serial in your AWS config against the device in IAM',
    });
  }
  if (context.call === 'GetSessionToken') {
    if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch') {
      return new UserError(`the access key stored for profile ${context.keyProfile} was refused by AWS (${name}): it was deleted, deactivated, or the secret does not match`, {
        ...options,
        next: `store a working key: \`rolegate import ${quotePosix(context.keyProfile)} --store keychain|file\`, or \`rolegate setup\` to create a new one`,
      });
    }
  } else if (name === 'ExpiredToken' || name === 'InvalidClientTokenId') {
    return new UserError(`the MFA session of profile ${context.keyProfile} was refused by AWS (${name}); it has expired or was revoked`, {
      ...options,
      next: `run \`rolegate logout ${quotePosix(context.keyProfile)}\`, then run the command again to enter a new MFA code`,
    });
  }
  if (context.call === 'AssumeRole' && name === 'ValidationError' && /DurationSeconds/.test(message)) {
    const chained = /role chaining|1 hour session limit/i.test(message);
    return new UserError(`AWS refused the duration_seconds of profile ${context.profile}: ${message}`, {
      ...options,
      next: chained
        ? `a role assumed with the MFA session lasts at most 1 hour: lower duration_seconds to 3600, or \`rolegate config set ${quotePosix(context.profile)} rolegate_role_chain direct\` (one MFA code per role session)`
        : `lower duration_seconds of profile ${context.profile}, or raise the role's maximum: \`rolegate setup --role-duration N\``,
    });
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    const what = context.call === 'AssumeRole' ? `assuming ${context.roleArn}` : `GetSessionToken for profile ${context.keyProfile}`;
    return new UserError(`AWS denied ${what}: ${message}`, {
      ...options,
      next: 'check the role trust policy and the inline policy of the user (`rolegate audit`), or run `rolegate setup` again',
    });
  }
  const code = e.code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EAI_AGAIN' || name === 'TimeoutError') {
    const endpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL ?? 'STS';
    return new UserError(`could not reach ${endpoint} (${code ?? name})`, { ...options, next: 'check the network connection (and AWS_ENDPOINT_URL, if set), then try again' });
  }
  return new UserError(`${context.call} failed: ${name ? `${name}: ` : ''}${message}`, { ...options, next: 'run again with --debug for details' });
}
