/**
 * SDK client construction in one place: region, endpoint (AWS_ENDPOINT_URL, as the CLI and
 * botocore honour it, so tests reach moto), retries, and credentials. Import this module with
 * `import()` from code on the credential-process path: it loads the SDK.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

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

function endpointFor(service: 'IAM' | 'STS', env: NodeJS.ProcessEnv): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL ?? undefined;
}

function commonConfig(service: 'IAM' | 'STS', options: ClientOptions) {
  const env = options.env ?? process.env;
  const endpoint = endpointFor(service, env);
  return {
    region: resolveRegion(options),
    maxAttempts: 5,
    ...(endpoint ? { endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
  };
}

export function createIamClient(options: ClientOptions = {}): IAMClient {
  return new IAMClient(commonConfig('IAM', options));
}

export function createStsClient(options: ClientOptions = {}): STSClient {
  return new STSClient(commonConfig('STS', options));
}
