/**
 * When a failed AWS request is sent again, for every sender (the SDK clients through
 * `retryStrategy`, and any caller that signs and sends its own requests). A pure rule:
 *
 * - throttled (Throttling, ThrottlingException, RequestLimitExceeded, HTTP 429, ...): AWS refused
 *   the request before carrying it out, so it is resent, creates and calls carrying an MFA code
 *   included, after a backoff with jitter (busy accounts throttle IAM writes);
 * - failed before AWS read it (refused, DNS, unreachable, TLS, no connection in time): resent
 *   after a short backoff;
 * - anything after which AWS may have carried it out (a 5xx, a connection dropped or silent after
 *   sending): resent only by a sender whose requests may run twice (`resend: 'any'`); a create
 *   whose result holds a secret, or a call carrying a one-time MFA code, is not (`'unsent'`), and
 *   its caller finds out what happened.
 *
 * Always within the call's `attempts` (callLimits in clients.ts), so the command's bound holds.
 */
import { classifyAwsFailure, surelyUnsent, type AwsFailure } from './networkErrors.js';

export type Resend = 'any' | 'unsent';

/** Backoff after throttling: doubling from 1 s, at most 8 s, with jitter over its upper half. */
const THROTTLE_BASE_MS = 1_000;
const THROTTLE_CAP_MS = 8_000;

/**
 * How long to wait before resending a request that failed with `failure` after `retries` resends
 * so far, or undefined when it is not resent. `random` is Math.random (injected by the tests).
 */
export function retryDelayMs(failure: AwsFailure | undefined, retries: number, attempts: number, resend: Resend, random: () => number = Math.random): number | undefined {
  if (!failure || retries + 1 >= attempts) return undefined;
  if (failure.kind === 'throttled') {
    const ceiling = Math.min(THROTTLE_CAP_MS, THROTTLE_BASE_MS * 2 ** retries);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }
  if (surelyUnsent(failure)) return Math.min(1_000, 100 * 2 ** (retries + 1));
  if (resend === 'any' && failure.mayHaveRun) return Math.round(random() * Math.min(2_000, 100 * 2 ** (retries + 1)));
  return undefined;
}

/** The same rule for an error as thrown by the SDK or a sender of its own. */
export function retryDelayForError(error: unknown, retries: number, attempts: number, resend: Resend, random?: () => number): number | undefined {
  return retryDelayMs(classifyAwsFailure(error), retries, attempts, resend, random);
}

/**
 * A sender's retry decision, pluggable (aws/stsQuery.ts takes one): the delay before the next
 * attempt after `error` and `retries` resends so far, or undefined to give up.
 */
export type RetryDecision = (error: unknown, retries: number) => number | undefined;

/** The rule above for requests that may run twice (AssumeRole with the MFA session). */
export function standardRetry(attempts: number): RetryDecision {
  return (error, retries) => retryDelayForError(error, retries, attempts, 'any');
}

/** The rule above for a call carrying a one-time MFA code: resent only when AWS surely never carried it out. */
export function unsentOnlyRetry(attempts: number): RetryDecision {
  return (error, retries) => retryDelayForError(error, retries, attempts, 'unsent');
}
