/**
 * The STS calls of the credential refresh paths (the hourly role refresh, the MFA session, exec's
 * renewals): AssumeRole and GetSessionToken as signed Query API requests (queryRequest.ts), and
 * AssumeRoleWithWebIdentity unsigned (the token is the proof; createStsQuery without credentials), with
 * the limits, endpoint, proxy and failure words of the SDK's STS client (callSettings.ts) and its
 * retries (retryPolicy.ts: the SDK's standard ones, or for a call carrying an MFA code only after
 * a failure before AWS read it). The SDK's STS client stays for every other STS call (setup, verify,
 * rotate, audit, login); loading it costs a refresh more than the call itself.
 */
import { callLimits, endpointUrl, resolveRegion, type ClientOptions } from './callSettings.js';
import { queryCall, xmlElement, xmlText } from './queryRequest.js';
import { standardRetry, unsentOnlyRetry, type RetryDecision } from './retryPolicy.js';
import type { SigningCredentials } from './signatureV4.js';

const VERSION = '2011-06-15';

export interface StsCredentials {
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
  Expiration?: Date;
}

export interface AssumeRoleInput {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
  ExternalId?: string;
  SerialNumber?: string;
  TokenCode?: string;
}

export interface AssumeRoleWithWebIdentityInput {
  RoleArn: string;
  RoleSessionName: string;
  /** The token file's content: a secret, sent only in the request body. */
  WebIdentityToken: string;
  DurationSeconds?: number;
}

export interface GetSessionTokenInput {
  DurationSeconds?: number;
  SerialNumber?: string;
  TokenCode?: string;
}

export interface StsQuery {
  assumeRole(input: AssumeRoleInput): Promise<{ Credentials?: StsCredentials; AssumedRoleUser?: { AssumedRoleId?: string; Arn?: string } }>;
  getSessionToken(input: GetSessionTokenInput): Promise<{ Credentials?: StsCredentials }>;
  /** Unsigned: the client may be made without credentials for it. */
  assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityInput): Promise<{ Credentials?: StsCredentials; AssumedRoleUser?: { AssumedRoleId?: string; Arn?: string } }>;
  /** How many sends a call may make (the limits' attempts). */
  attempts: number;
}

export type StsQueryOptions = Omit<ClientOptions, 'credentials' | 'profile'> & {
  /** Absent: every call is sent unsigned (only AssumeRoleWithWebIdentity is answered so). */
  credentials?: SigningCredentials;
  /** Replaces the retry decision the options imply (carriesMfaCode: unsent only; else standard). */
  retry?: RetryDecision;
};

function credentialsIn(xml: string): StsCredentials | undefined {
  const block = xmlElement(xml, 'Credentials');
  if (block === undefined) return undefined;
  const expiration = xmlText(block, 'Expiration');
  return {
    AccessKeyId: xmlText(block, 'AccessKeyId'),
    SecretAccessKey: xmlText(block, 'SecretAccessKey'),
    SessionToken: xmlText(block, 'SessionToken'),
    Expiration: expiration === undefined ? undefined : new Date(expiration),
  };
}

function roleAnswer(xml: string) {
  const arn = xmlElement(xml, 'AssumedRoleUser');
  return {
    Credentials: credentialsIn(xml),
    AssumedRoleUser: arn === undefined ? undefined : { AssumedRoleId: xmlText(arn, 'AssumedRoleId'), Arn: xmlText(arn, 'Arn') },
  };
}

/** Throws a bad-input UserError for bad limits (AWS_MAX_ATTEMPTS, the timeouts), as the SDK client's construction does. */
export function createStsQuery(options: StsQueryOptions): StsQuery {
  const limits = callLimits(options);
  const region = resolveRegion(options);
  const url = endpointUrl('STS', options);
  const retry = options.retry ?? (options.carriesMfaCode ? unsentOnlyRetry(limits.attempts) : standardRetry(limits.attempts));
  const call = (action: string, params: Record<string, string | number | undefined>) =>
    queryCall({ operation: `sts:${action}`, action, version: VERSION, params, endpoint: { service: 'STS', url }, region, signingName: 'sts', credentials: options.credentials, limits, retry });
  return {
    attempts: limits.attempts,
    async assumeRole(input) {
      return roleAnswer(await call('AssumeRole', { ...input }));
    },
    async assumeRoleWithWebIdentity(input) {
      return roleAnswer(await call('AssumeRoleWithWebIdentity', { ...input }));
    },
    async getSessionToken(input) {
      return { Credentials: credentialsIn(await call('GetSessionToken', { ...input })) };
    },
  };
}
