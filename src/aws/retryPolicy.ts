/**
 * When a failed AWS call is sent again, as one decision shared by every sender: the SDK's clients
 * (clients.ts wraps these into its retry strategies) and the STS calls of the refresh paths
 * (stsQuery.ts). A decision gets the failure and how many retries were made, and returns the delay
 * before the next attempt, or undefined to give up. No SDK module loads here.
 */
import { classifyAwsFailure, surelyUnsent } from './networkErrors.js';

export type RetryDecision = (error: unknown, retries: number) => number | undefined;

// What the SDK's standard retry strategy resends (@smithy/core's retry classification).
const THROTTLING = new Set([
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete', 'ProvisionedThroughputExceededException',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException',
  'TooManyRequestsException', 'TransactionInProgressException',
]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface FailureShape {
  name?: string;
  code?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
}

function isThrottling(error: FailureShape): boolean {
  return error.$metadata?.httpStatusCode === 429 || THROTTLING.has(error.name ?? '');
}

function isTransient(error: FailureShape | undefined, depth = 0): boolean {
  if (!error || typeof error !== 'object' || error.name === 'AbortError') return false;
  return (
    error.$metadata?.clockSkewCorrected === true ||
    TRANSIENT_NAMES.has(error.name ?? '') ||
    TRANSIENT_CODES.has(error.code ?? '') ||
    TRANSIENT_STATUS.has(error.$metadata?.httpStatusCode ?? 0) ||
    (depth < 10 && isTransient(error.cause as FailureShape | undefined, depth + 1))
  );
}

/**
 * The SDK's standard retries: throttling (base delay 1 s) and transient failures (timeouts,
 * dropped or refused connections, 500/502/503/504, a corrected clock skew; base 50 ms), with
 * full-jitter exponential backoff, within `attempts` sends.
 */
export function standardRetry(attempts: number): RetryDecision {
  return (error, retries) => {
    if (retries + 1 >= attempts || !error || typeof error !== 'object') return undefined;
    const e = error as FailureShape;
    const base = isThrottling(e) ? 1_000 : isTransient(e) ? 50 : undefined;
    if (base === undefined) return undefined;
    return Math.floor(Math.random() * Math.min(base * 2 ** retries, 20_000));
  };
}

/**
 * For a call carrying a one-time MFA code: AWS refuses a code it has already seen, so the request
 * is resent (with its code) only when the failure surely came before AWS read it (surelyUnsent:
 * refused, DNS, unreachable, TLS, no connection in time), within `attempts` sends and a short
 * backoff. Any other failure (a 5xx, a connection dropped or silent after sending, throttling)
 * ends the call here, and the caller decides about a fresh code.
 */
export function unsentOnlyRetry(attempts: number): RetryDecision {
  return (error, retries) => {
    const next = retries + 1;
    const failure = classifyAwsFailure(error);
    if (next >= attempts || !failure || !surelyUnsent(failure)) return undefined;
    return Math.min(1_000, 100 * 2 ** next);
  };
}
