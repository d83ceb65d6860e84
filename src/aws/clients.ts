/**
 * SDK client construction in one place: region, endpoint (AWS_ENDPOINT_URL, as the CLI and
 * botocore honour it, so tests reach moto), retries, and credentials. Import this module with
 * `import()` from code on the credential-process path: it loads the SDK.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';

// The SDK warns on Node 20 that releases after January 2027 need Node 22. Our lockfile pins a
// release that supports Node 20, and the warning would land in every command's stderr (and in
// credential_process output the AWS CLI shows to the user), so it is turned off for this process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface ClientOptions {
  /** Explicit credentials; without them the SDK's default chain runs (env, profile, ...). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** A profile for the default chain (like `--profile`); ignored when credentials are given. */
  profile?: string;
  region?: string;
  env?: NodeJS.ProcessEnv;
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

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * A request handler that goes through the proxy HTTPS_PROXY / HTTP_PROXY name for this service's
 * endpoint (NO_PROXY honoured), as the AWS CLI does; the SDK alone ignores these variables, and
 * rolegate would then fail behind a corporate proxy where `aws` works. Undefined when no proxy is
 * set: the SDK's default handler, and no proxy module loaded. The variables are read from the
 * process environment (proxy-from-env reads nothing else).
 */
export function proxyRequestHandler(service: Service, options: ClientOptions = {}): NodeHttpHandler | undefined {
  if (!PROXY_VARIABLES.some((name) => process.env[name])) return undefined;
  const env = options.env ?? process.env;
  const region = resolveRegion(options);
  const url = endpointFor(service, env) ?? (service === 'IAM' ? 'https://iam.amazonaws.com' : `https://${service.toLowerCase()}.${region}.amazonaws.com`);
  return new NodeHttpHandler(async () => {
    const { getProxyForUrl } = await import('proxy-from-env');
    const proxy = getProxyForUrl(url);
    if (!proxy) return {};
    const [{ HttpsProxyAgent }, { HttpProxyAgent }] = await Promise.all([import('https-proxy-agent'), import('http-proxy-agent')]);
    return { httpsAgent: new HttpsProxyAgent(proxy), httpAgent: new HttpProxyAgent(proxy) };
  });
}

/** Region, endpoint, proxy and credentials, for any of the clients rolegate makes. */
export function clientConfig(service: Service, options: ClientOptions & { maxAttempts?: number }) {
  const env = options.env ?? process.env;
  const endpoint = endpointFor(service, env);
  const requestHandler = proxyRequestHandler(service, options);
  return {
    region: resolveRegion(options),
    maxAttempts: options.maxAttempts ?? 5,
    ...(endpoint ? { endpoint } : {}),
    ...(requestHandler ? { requestHandler } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
  };
}

export function createIamClient(options: ClientOptions = {}): IAMClient {
  return new IAMClient(clientConfig('IAM', options));
}

export function createStsClient(options: ClientOptions = {}): STSClient {
  return new STSClient(clientConfig('STS', options));
}
