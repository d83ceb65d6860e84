/**
 * What every AWS call of rolegate shares, whoever sends it (the SDK's clients in clients.ts, or
 * stsQuery.ts on the credential refresh paths): the region, the endpoint (AWS_ENDPOINT_URL, as the
 * CLI and botocore honour it, so tests reach moto), the limits, the proxy, and the guard that turns
 * network, timeout, 5xx and throttling failures into AwsTransientError. No SDK module loads here.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { badInput } from '../userError.js';
import { dnsSuffixOfRegion, iamEndpoint, stsEndpoint } from './partition.js';
import { classifyAwsFailure, cutsOffEndpoint, transientError, type AwsEndpoint } from './networkErrors.js';

/**
 * How long one AWS call may take. `interactive` is every command a person runs; `refresh` is the
 * STS call behind credential-process, exec and env, where a tool (the AWS CLI, Terraform) waits.
 * One attempt is bounded by `requestMs` (connecting included, and again for each silent stretch
 * while the answer arrives); a call by attempts × requestMs plus the backoff (under 1 s for these
 * attempt counts). README "Timeouts" states the same numbers.
 */
export interface CallLimits {
  connectMs: number;
  requestMs: number;
  attempts: number;
}
export type CallPurpose = 'interactive' | 'refresh';
export const CALL_LIMITS: Record<CallPurpose, CallLimits> = {
  interactive: { connectMs: 5_000, requestMs: 15_000, attempts: 3 },
  refresh: { connectMs: 3_000, requestMs: 10_000, attempts: 2 },
};

export interface ClientOptions {
  /** Explicit credentials; without them the SDK's default chain runs (env, profile, ...). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** A profile for the default chain (like `--profile`); ignored when credentials are given. */
  profile?: string;
  region?: string;
  env?: NodeJS.ProcessEnv;
  /** Which limits apply (default `interactive`). */
  purpose?: CallPurpose;
  /** Overrides the purpose's attempt count. */
  maxAttempts?: number;
  /**
   * The calls carry a one-time MFA code (GetSessionToken, AssumeRole with TokenCode,
   * EnableMFADevice): a request is resent only after a failure that surely came before AWS read
   * it (retryPolicy.ts, unsentOnlyRetry); for any other, the caller gets a fresh code.
   */
  carriesMfaCode?: boolean;
  /**
   * The calls are creates whose answer holds a secret (CreateAccessKey, CreateVirtualMFADevice):
   * resent only when AWS surely never carried them out (throttled, or never read); after a lost
   * answer the caller lists what exists instead.
   */
  sendsOnce?: boolean;
}

export const DEFAULT_REGION = 'us-east-1';

export function resolveRegion(options: ClientOptions = {}): string {
  const env = options.env ?? process.env;
  return options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
}

/** `SSO` is IAM Identity Center's portal (GetRoleCredentials), `SSO_OIDC` its OIDC service (sign-in). */
export type Service = 'IAM' | 'STS' | 'EC2' | 'SSO' | 'SSO_OIDC';

/** The endpoint AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL names, if any. */
export function configuredEndpoint(service: Service, env: NodeJS.ProcessEnv): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL ?? undefined;
}

/** The URL calls to this service go to: the configured endpoint, else AWS's own (in the region's partition). */
export function endpointUrl(service: Service, options: ClientOptions = {}): string {
  const env = options.env ?? process.env;
  const region = resolveRegion(options);
  const own = configuredEndpoint(service, env);
  if (own) return own;
  if (service === 'IAM') return iamEndpoint(region);
  if (service === 'STS') return stsEndpoint(region);
  if (service === 'SSO') return `https://portal.sso.${region}.${dnsSuffixOfRegion(region)}`;
  if (service === 'SSO_OIDC') return `https://oidc.${region}.${dnsSuffixOfRegion(region)}`;
  return `https://ec2.${region}.${dnsSuffixOfRegion(region)}`;
}

function seconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 600) throw badInput(`${name}=${text} is not a number of seconds between 0 and 600`, `set ${name} to e.g. 10, or unset it`);
  return Math.round(value * 1000);
}

/**
 * The limits for one client: the purpose's defaults, then ROLEGATE_AWS_CONNECT_TIMEOUT and
 * ROLEGATE_AWS_REQUEST_TIMEOUT (seconds) and AWS_MAX_ATTEMPTS (the AWS CLI's variable), then an
 * explicit maxAttempts.
 */
export function callLimits(options: ClientOptions = {}): CallLimits {
  const env = options.env ?? process.env;
  const base = CALL_LIMITS[options.purpose ?? 'interactive'];
  const attemptsText = env.AWS_MAX_ATTEMPTS;
  let attempts = base.attempts;
  if (attemptsText) {
    attempts = Number(attemptsText);
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) throw badInput(`AWS_MAX_ATTEMPTS=${attemptsText} is not a whole number from 1 to 10`, 'set AWS_MAX_ATTEMPTS to e.g. 3, or unset it');
  }
  const requestMs = seconds(env, 'ROLEGATE_AWS_REQUEST_TIMEOUT') ?? base.requestMs;
  const connectMs = Math.min(seconds(env, 'ROLEGATE_AWS_CONNECT_TIMEOUT') ?? base.connectMs, requestMs);
  return { connectMs, requestMs, attempts: options.maxAttempts ?? attempts };
}

export const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * The proxy HTTPS_PROXY / HTTP_PROXY name for a URL (NO_PROXY honoured), as the AWS CLI picks it,
 * read from the process environment (proxy-from-env reads nothing else); its module loads only
 * when a proxy variable is set.
 */
export async function proxyFor(url: string): Promise<string | undefined> {
  if (!PROXY_VARIABLES.some((name) => process.env[name])) return undefined;
  const { getProxyForUrl } = await import('proxy-from-env');
  return getProxyForUrl(url) || undefined;
}

/** The agents that carry requests through a proxy (https: CONNECT; http: absolute URLs). */
export async function proxyAgents(proxy: string) {
  const [{ HttpsProxyAgent }, { HttpProxyAgent }] = await Promise.all([import('https-proxy-agent'), import('http-proxy-agent')]);
  return { httpsAgent: new HttpsProxyAgent(proxy), httpAgent: new HttpProxyAgent(proxy) };
}

/**
 * Endpoints this process found unreachable (refused, unresolvable, silent, TLS or proxy failure):
 * later calls to them fail at once with the same error, so a command that makes many calls (verify,
 * audit) is bounded by one call's limit per endpoint, not one per call.
 */
const unreachable = new Map<string, Error>();

/**
 * Runs one call: fails at once for an endpoint already found unreachable, and turns network,
 * timeout, 5xx and throttling failures into AwsTransientError (a UserError naming the endpoint).
 */
export async function guarded<T>(endpoint: AwsEndpoint, limits: CallLimits, operation: string, run: () => Promise<T>): Promise<T> {
  const known = unreachable.get(endpoint.url);
  if (known) throw known;
  try {
    return await run();
  } catch (error) {
    const failure = classifyAwsFailure(error);
    if (!failure) throw error;
    const translated = transientError(error, failure, { endpoint, operation, limits });
    if (cutsOffEndpoint(failure)) unreachable.set(endpoint.url, translated);
    throw translated;
  }
}
