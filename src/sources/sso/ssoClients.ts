/**
 * The SDK's IAM Identity Center clients (portal and OIDC) with rolegate's region, endpoint
 * (`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`, else `AWS_ENDPOINT_URL`, as botocore and the
 * SDK read them), timeouts, retries and proxy. Their calls carry a bearer token or no credentials
 * at all: no signing. Loaded with import() only when a call is made.
 */
import { SSOClient } from '@aws-sdk/client-sso';
import { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { createClient, type CallPurpose } from '../../aws/clients.js';

export interface SsoClientOptions {
  region: string;
  env: NodeJS.ProcessEnv;
  purpose?: CallPurpose;
}

export function portalClient(options: SsoClientOptions): SSOClient {
  return createClient('SSO', (config) => new SSOClient(config), { region: options.region, env: options.env, purpose: options.purpose });
}

/** CreateToken with a device code answers `authorization_pending` until the person approves: never resent blindly. */
export function oidcClient(options: SsoClientOptions): SSOOIDCClient {
  return createClient('SSO_OIDC', (config) => new SSOOIDCClient(config), { region: options.region, env: options.env, purpose: options.purpose });
}

export { serviceErrorName } from './ssoHttp.js';
