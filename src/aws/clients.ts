/**
 * SDK client construction in one place: region, endpoint (AWS_ENDPOINT_URL, as the CLI and
 * botocore honour it, so tests reach moto), retries, timeouts, proxies and credentials. Import
 * this module with `import()` from code on the credential-process path: it loads the SDK's STS
 * client. The IAM client lives in iamClient.ts, so that a role refresh (STS only) never loads it.
 */
import { STSClient } from '@aws-sdk/client-sts';
import type { RetryStrategyV2, RetryToken } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsEndpoint } from './networkErrors.js';
import { callLimits, configuredEndpoint, endpointUrl, guarded, proxyAgents, proxyFor, resolveRegion, type CallLimits, type ClientOptions, type Service } from './callSettings.js';
import { unsentOnlyRetry } from './retryPolicy.js';

export { CALL_LIMITS, DEFAULT_REGION, callLimits, endpointUrl, resolveRegion, type CallLimits, type CallPurpose, type ClientOptions } from './callSettings.js';

// The SDK warns on Node 20 that releases after January 2027 need Node 22. Our lockfile pins a
// release that supports Node 20, and the warning would land in every command's stderr (and in
// credential_process output the AWS CLI shows to the user), so it is turned off for this process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
    return { ...timeouts, ...(await proxyAgents(proxy)) };
  });
}

/** Any SDK v3 client, as far as adding one middleware goes. */
interface WithMiddlewareStack {
  middlewareStack: { add(middleware: never, options: { step: 'initialize'; name: string; priority: 'high' }): void };
}

function failureMiddleware(endpoint: AwsEndpoint, limits: CallLimits) {
  return ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) =>
    guarded(endpoint, limits, `${endpoint.service.toLowerCase()}:${(context.commandName ?? '').replace(/Command$/, '')}`, () => next(args))) as never;
}

/** Region, endpoint, retries, timeouts, proxy and credentials, for any of the clients rolegate makes. */
export function clientConfig(service: Service, options: ClientOptions) {
  const env = options.env ?? process.env;
  const endpoint = configuredEndpoint(service, env);
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

/** The SDK's retries for a call carrying a one-time MFA code: retryPolicy.ts's unsentOnlyRetry. */
export function unsentOnlyRetries(attempts: number): RetryStrategyV2 {
  const decide = unsentOnlyRetry(attempts);
  const token = (count: number, delayMs: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delayMs });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous, info) => {
      const delayMs = decide(info.error, previous.getRetryCount());
      if (delayMs === undefined) throw info.error ?? new Error('no retry');
      return token(previous.getRetryCount() + 1, delayMs);
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
