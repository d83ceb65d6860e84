/**
 * AWS calls that failed on the way rather than by AWS's decision: the network (refused, DNS,
 * unreachable, TLS, proxy), a silent or dropped connection, AWS's own trouble (5xx) and throttling,
 * once the SDK's retries are spent. Each becomes an AwsTransientError: a UserError that names the
 * call, the endpoint and what happened, and says whether the request may have been carried out
 * (a create whose answer was lost may have created something).
 */
import { UserError, isMarkedInstance } from '../userError.js';

export interface AwsEndpoint {
  service: string;
  url: string;
  /** The proxy the calls go through, when HTTPS_PROXY / HTTP_PROXY names one for this URL. */
  proxy?: string;
}

export type FailureKind =
  | 'refused'
  | 'dns'
  | 'unreachable'
  | 'tls'
  | 'connect-timeout'
  | 'timeout'
  | 'reset'
  | 'server-error'
  | 'throttled';

export interface AwsFailure {
  kind: FailureKind;
  /** The Node error code or AWS error code behind it (ECONNREFUSED, InternalFailure, ...). */
  code: string;
  status?: number;
  /** The request may have reached AWS and been carried out, though no answer says so. */
  mayHaveRun: boolean;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const UNREACHABLE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const TLS = new Set([
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'HOSTNAME_MISMATCH',
]);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
]);
const SERVER = new Set(['InternalFailure', 'InternalError', 'ServiceUnavailable', 'ServiceUnavailableException', 'InternalServerError']);
const TIMEOUT_CODES = new Set(['RequestTimeout', 'RequestTimeoutException', 'ETIMEDOUT']);

function nodeCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What kind of transient failure this is, or undefined for an answer AWS gave on purpose (4xx). */
export function classifyAwsFailure(error: unknown): AwsFailure | undefined {
  if (!error || typeof error !== 'object' || error instanceof UserError) return undefined;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
  const name = e.name ?? '';
  const message = e.message ?? '';
  const code = nodeCode(error);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (code === 'ECONNREFUSED') return { kind: 'refused', code, mayHaveRun: false };
  if (code && DNS.has(code)) return { kind: 'dns', code, mayHaveRun: false };
  if (code && UNREACHABLE.has(code)) return { kind: 'unreachable', code, mayHaveRun: false };
  if (code && (TLS.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('ERR_CERT'))) return { kind: 'tls', code, mayHaveRun: false };
  if (name === 'TimeoutError' && /did not establish a connection/.test(message)) return { kind: 'connect-timeout', code: 'TimeoutError', mayHaveRun: false };
  if ((code && RESET.has(code)) || /socket hang up/i.test(message)) return { kind: 'reset', code: code ?? 'ECONNRESET', mayHaveRun: true };
  if (name === 'TimeoutError' || TIMEOUT_CODES.has(name) || (code && TIMEOUT_CODES.has(code))) return { kind: 'timeout', code: code ?? name, mayHaveRun: true };
  if (THROTTLED.has(name) || status === 429) return { kind: 'throttled', code: name || 'HTTP 429', status, mayHaveRun: false };
  if ((status !== undefined && status >= 500) || SERVER.has(name)) return { kind: 'server-error', code: name || `HTTP ${status}`, status, mayHaveRun: true };
  return undefined;
}

/** Failures that say the endpoint cannot be reached at all (not one bad answer). */
export function cutsOffEndpoint(failure: { kind: FailureKind }): boolean {
  return !['reset', 'server-error', 'throttled'].includes(failure.kind);
}

/** The mark every AwsTransientError carries, whichever copy of this module made it. */
const AWS_TRANSIENT = Symbol.for('rolegate.AwsTransientError');

export class AwsTransientError extends UserError {
  /** As UserError's: the console sign-in's provider throws from its own copy of this class. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isMarkedInstance(this, AwsTransientError, AWS_TRANSIENT, value);
  }

  readonly kind: FailureKind;
  readonly endpoint: AwsEndpoint;
  /** `iam:CreateAccessKey`. */
  readonly operation: string;
  readonly mayHaveRun: boolean;
  /** What happened, without the call's name: "http://... refused the connection (ECONNREFUSED)". */
  readonly reason: string;

  constructor(init: { kind: FailureKind; endpoint: AwsEndpoint; operation: string; mayHaveRun: boolean; reason: string; next: string; cause: unknown }) {
    super(`${init.operation} failed: ${init.reason}`, { next: init.next, cause: init.cause });
    Object.defineProperty(this, AWS_TRANSIENT, { value: true });
    this.name = 'AwsTransientError';
    this.kind = init.kind;
    this.endpoint = init.endpoint;
    this.operation = init.operation;
    this.mayHaveRun = init.mayHaveRun;
    this.reason = init.reason;
  }
}

export function isAwsTransientError(error: unknown): error is AwsTransientError {
  return error instanceof AwsTransientError;
}

/**
 * Failures that surely came before AWS read the request (no connection, no name, no TLS): a
 * request carrying a one-time MFA code may be resent with the same code only after one of these.
 */
export function surelyUnsent(failure: { kind: FailureKind }): boolean {
  return ['refused', 'dns', 'unreachable', 'tls', 'connect-timeout'].includes(failure.kind);
}

/**
 * An MFA code sent in a request that failed this way may have been used up by AWS (it answered
 * with a 5xx, or the connection dropped after the request went out) while the endpoint still
 * answers, so the call is worth making again with a fresh code. A silent endpoint is not (its
 * bound is spent, and this process treats it as unreachable); nor is throttling: AWS refused the
 * request before carrying it out, so its code was not used (the client resent it already).
 */
export function spendsMfaCode(error: unknown): error is AwsTransientError {
  return isAwsTransientError(error) && (error.kind === 'reset' || error.kind === 'server-error');
}

/** True when the endpoint itself could not be reached (as opposed to a 5xx, throttling or a dropped answer). */
export function isUnreachable(error: unknown): boolean {
  return isAwsTransientError(error) && cutsOffEndpoint(error);
}

const s = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

export function transientError(
  error: unknown,
  failure: AwsFailure,
  call: { endpoint: AwsEndpoint; operation: string; limits: { connectMs: number; requestMs: number; attempts: number } },
): AwsTransientError {
  const { endpoint, limits } = call;
  const attemptsMade = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? limits.attempts;
  const tries = attemptsMade === 1 ? '1 attempt' : `${attemptsMade} attempts`;
  const where = endpoint.proxy ? `${endpoint.url} (through the proxy ${endpoint.proxy})` : endpoint.url;
  const hop = endpoint.proxy ? `the proxy ${endpoint.proxy} (for ${endpoint.url})` : endpoint.url;
  const detail = ((error as { message?: string }).message ?? '').split('\n')[0];
  const reasons: Record<FailureKind, string> = {
    refused: `${hop} refused the connection (ECONNREFUSED): nothing is listening there`,
    dns: `the host name of ${hop} could not be resolved (${failure.code})`,
    unreachable: `${hop} cannot be reached from this network (${failure.code})`,
    tls: `the TLS connection to ${where} failed (${failure.code}: ${detail})`,
    'connect-timeout': `no connection to ${hop} within ${s(limits.connectMs)} (${tries})`,
    timeout: `${where} accepted the connection but did not answer within ${s(limits.requestMs)} (${tries})`,
    reset: `the connection to ${where} was dropped before the answer arrived (${failure.code}, ${tries})`,
    'server-error': `${where} answered with a server error (${failure.code}${failure.status ? `, HTTP ${failure.status}` : ''}) ${attemptsMade === 1 ? 'once' : `${attemptsMade} times`}`,
    throttled: `AWS throttled the call (${failure.code}) ${attemptsMade === 1 ? 'once' : `${attemptsMade} times`} at ${where}`,
  };
  const network =
    endpoint.proxy
      ? 'check the proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and the network, then run the command again'
      : 'check the network connection (and AWS_ENDPOINT_URL, if set), then run the command again';
  const next = failure.kind === 'server-error' || failure.kind === 'throttled' ? 'AWS is busy or in trouble: wait a minute, then run the command again' : network;
  return new AwsTransientError({ kind: failure.kind, endpoint, operation: call.operation, mayHaveRun: failure.mayHaveRun, reason: reasons[failure.kind], next, cause: error });
}
