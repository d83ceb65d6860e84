/**
 * SDK client construction in one place: region, endpoint (AWS_ENDPOINT_URL, as the CLI and
 * botocore honour it, so tests reach moto), retries, timeouts, proxies and credentials. Import
 * this module with `import()` from code on the credential-process path: it loads the SDK's STS
 * client. The IAM client lives in iamClient.ts, so that a role refresh (STS only) never loads it.
 */
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2, RetryToken } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { badInput } from '../userError.js';
import { dnsSuffixOfRegion, iamEndpoint, stsEndpoint } from './partition.js';
import { classifyAwsFailure, cutsOffEndpoint, transientError, type AwsEndpoint } from './networkErrors.js';
import { retryDelayForError } from './retryPolicy.js';

// The SDK warns on Node 20 that releases after January 2027 need Node 22. Our lockfile pins a
// release that supports Node 20, and the warning would land in every command's stderr (and in
// credential_process output the AWS CLI shows to the user), so it is turned off for this process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * How long one AWS call may take. `interactive` is every command a person runs; `refresh` is the
 * STS call behind credential-process, exec and env, where a tool (the AWS CLI, Terraform) waits.
 * One attempt is bounded by `requestMs` (connecting included, and again for each silent stretch
 * while the answer arrives); a call by attempts × requestMs plus the SDK's backoff (under 1 s for
 * these attempt counts). README "Timeouts" states the same numbers.
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
   * EnableMFADevice): the SDK resends a request only when AWS surely never carried it out
   * (unsentOnlyRetries); for any other failure, the caller gets a fresh code.
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

type Service = 'IAM' | 'STS' | 'EC2';

function endpointFor(service: Service, env: NodeJS.ProcessEnv): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL ?? undefined;
}

/** The URL calls to this service go to: the configured endpoint, else AWS's own. */
export function endpointUrl(service: Service, options: ClientOptions = {}): string {
  const env = options.env ?? process.env;
  const region = resolveRegion(options);
  return endpointFor(service, env) ?? (service === 'IAM' ? iamEndpoint(region) : service === 'STS' ? stsEndpoint(region) : `https://ec2.${region}.${dnsSuffixOfRegion(region)}`);
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

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/** The proxy HTTPS_PROXY / HTTP_PROXY name for a URL (NO_PROXY honoured), as the AWS CLI picks it. */
async function proxyFor(url: string): Promise<string | undefined> {
  if (!PROXY_VARIABLES.some((name) => process.env[name])) return undefined;
  const { getProxyForUrl } = await import('proxy-from-env');
  return getProxyForUrl(url) || undefined;
}

/**
 * The SDK's own request handler, always with timeouts (the SDK sets none: a silent endpoint would
 * hold a command forever), and going through the proxy HTTPS_PROXY / HTTP_PROXY name for this
 * service's endpoint, as the AWS CLI does; the SDK alone ignores these variables. The proxy
 * modules load only when a proxy variable is set (read from the process environment:
 * proxy-from-env reads nothing else).
 */
export function requestHandler(url: string, limits: CallLimits, endpoint: AwsEndpoint): NodeHttpHandler {
  return new NodeHttpHandler(async () => {
    const timeouts = {
      connectionTimeout: limits.connectMs,
      requestTimeout: limits.requestMs,
      throwOnRequestTimeout: true,
      socketTimeout: limits.requestMs,
    };
    const proxy = await proxyFor(url);
    if (!proxy) return timeouts;
    endpoint.proxy = proxy;
    const [{ HttpsProxyAgent }, { HttpProxyAgent }] = await Promise.all([import('https-proxy-agent'), import('http-proxy-agent')]);
    return { ...timeouts, httpsAgent: new HttpsProxyAgent(proxy), httpAgent: new HttpProxyAgent(proxy) };
  });
}

/**
 * Endpoints this process found unreachable (refused, unresolvable, silent, TLS or proxy failure):
 * later calls to them fail at once with the same error, so a command that makes many calls (verify,
 * audit) is bounded by one call's limit per endpoint, not one per call.
 */
const unreachable = new Map<string, Error>();

/** Any SDK v3 client, as far as adding one middleware goes. */
interface WithMiddlewareStack {
  middlewareStack: { add(middleware: never, options: { step: 'initialize'; name: string; priority: 'high' }): void };
}

/**
 * Runs one call: fails at once for an endpoint already found unreachable, and turns network,
 * timeout, 5xx and throttling failures into AwsTransientError (a UserError naming the endpoint).
 */
async function guarded<T>(endpoint: AwsEndpoint, limits: CallLimits, operation: string, run: () => Promise<T>): Promise<T> {
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

function failureMiddleware(endpoint: AwsEndpoint, limits: CallLimits) {
  return ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) =>
    guarded(endpoint, limits, `${endpoint.service.toLowerCase()}:${(context.commandName ?? '').replace(/Command$/, '')}`, () => next(args))) as never;
}

/** Region, endpoint, retries, timeouts, proxy and credentials, for any of the clients rolegate makes. */
export function clientConfig(service: Service, options: ClientOptions) {
  const env = options.env ?? process.env;
  const endpoint = endpointFor(service, env);
  const url = endpointUrl(service, options);
  const limits = callLimits(options);
  const named: AwsEndpoint = { service, url };
  return {
    /** For a caller that sends its own requests (verify's EC2 calls): the same guard as the clients' middleware. */
    guard: <T>(operation: string, run: () => Promise<T>) => guarded(named, limits, operation, run),
    config: {
      region: resolveRegion(options),
      maxAttempts: limits.attempts,
      ...(options.carriesMfaCode || options.sendsOnce ? { retryStrategy: unsentOnlyRetries(limits.attempts) } : {}),
      requestHandler: requestHandler(url, limits, named),
      ...(endpoint ? { endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
    },
    middleware: failureMiddleware(named, limits),
  };
}

/**
 * The SDK's retries for a call carrying a one-time MFA code, or a create whose answer holds a
 * secret: the request is resent only when AWS surely never carried it out (retryPolicy.ts:
 * throttled, or failed before AWS read it), within `attempts` sends. Any other failure (a 5xx, a
 * connection dropped or silent after sending) ends the call here, and the caller decides (a fresh
 * code; listing what exists).
 */
export function unsentOnlyRetries(attempts: number): RetryStrategyV2 {
  const token = (count: number, delayMs: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delayMs });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous, info) => {
      const delay = retryDelayForError(info.error, previous.getRetryCount(), attempts, 'unsent');
      if (delay === undefined) throw info.error ?? new Error('no retry');
      return token(previous.getRetryCount() + 1, delay);
    },
    recordSuccess: () => {},
  };
}

/** Builds a client of any SDK service with rolegate's configuration (used for EC2 in verify). */
export function createClient<C extends WithMiddlewareStack>(
  service: Service,
  make: (config: ReturnType<typeof clientConfig>['config']) => C,
  options: ClientOptions = {},
): C {
  const { config, middleware } = clientConfig(service, options);
  const client = make(config);
  client.middlewareStack.add(middleware, { step: 'initialize', name: 'rolegateFailures', priority: 'high' });
  return client;
}

export function createStsClient(options: ClientOptions = {}): STSClient {
  return createClient('STS', (config) => new STSClient(config), options);
}
