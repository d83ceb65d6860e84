/**
 * The two IAM Identity Center calls of the credential refresh path, GetRoleCredentials (portal) and
 * CreateToken with a refresh token (OIDC), sent with Node's own http/https rather than the SDK:
 * credential-process's full path is one CommonJS file that must not take in the SDK
 * (scripts/bundle.mjs), and a cold call should cost little more than the call. The requests are
 * exactly the SDK's (restJson1, from the service models): the same paths, query names, the
 * `x-amz-sso_bearer_token` header and JSON bodies; errors are read from `x-amzn-errortype` (or the
 * body's `__type` / `code` / `error`) into the SDK's error shape. The endpoint, limits, proxy and
 * failure guard are callSettings.ts's, as for every other AWS call. The sign-in, populate and
 * logout use the SDK's clients (ssoClients.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Agent } from 'node:http';
import { callLimits, endpointUrl, guarded, proxyAgents, proxyFor, type CallLimits, type CallPurpose } from '../../aws/callSettings.js';
import { AwsServiceError, sendOnce, type HttpAnswer } from '../../aws/queryRequest.js';

export interface SsoHttpCall {
  service: 'SSO' | 'SSO_OIDC';
  /** `sso:GetRoleCredentials`, for messages and the guard. */
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  region: string;
  env: NodeJS.ProcessEnv;
  purpose?: CallPurpose;
  /** Resent after a transient failure: only for a call that changes nothing (GET). */
  idempotent: boolean;
}

/** OIDC's `error` values, as the SDK names them. */
const OIDC_ERRORS: Record<string, string> = {
  authorization_pending: 'AuthorizationPendingException',
  slow_down: 'SlowDownException',
  expired_token: 'ExpiredTokenException',
  invalid_grant: 'InvalidGrantException',
  invalid_client: 'InvalidClientException',
  access_denied: 'AccessDeniedException',
};

/** One request, bounded as every AWS call is (aws/queryRequest.ts sendOnce). */
function send(url: URL, call: SsoHttpCall, limits: CallLimits, agent: Agent | undefined): Promise<HttpAnswer> {
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers: Record<string, string> = { accept: 'application/json', host: url.host, ...call.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  // getBuiltinModule, not import(): in the bundle's CommonJS refresh path an import() starts the ES module loader
  const http = (url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http')) as typeof import('node:http');
  return sendOnce(url, { method: call.method, headers, ...(body === undefined ? {} : { body }) }, limits, agent, http);
}

function serviceError(status: number, headers: IncomingMessage['headers'], text: string): AwsServiceError {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the status names it
  }
  const header = headers['x-amzn-errortype'];
  const fromHeader = typeof header === 'string' ? header.split(':')[0] : undefined;
  const fromBody = [parsed.__type, parsed.code].find((v): v is string => typeof v === 'string')?.split('#').pop();
  const oauth = typeof parsed.error === 'string' ? OIDC_ERRORS[parsed.error] : undefined;
  const name = fromHeader || fromBody || oauth || (status === 429 ? 'TooManyRequestsException' : `HTTP${status}`);
  const message = [parsed.message, parsed.Message, parsed.error_description, parsed.error].find((v): v is string => typeof v === 'string') ?? `HTTP ${status}`;
  return new AwsServiceError(name, message, status, typeof headers['x-amzn-requestid'] === 'string' ? headers['x-amzn-requestid'] : undefined);
}

/** Sends the call; resolves with the parsed JSON answer, or rejects with the service's error (SDK shape) or a transient failure. */
export async function ssoHttp<T>(call: SsoHttpCall): Promise<T> {
  const base = endpointUrl(call.service, { region: call.region, env: call.env });
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/$/, '')}${call.path}`;
  for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
  const limits = callLimits({ env: call.env, purpose: call.purpose ?? 'refresh' });
  const proxy = await proxyFor(url.toString());
  const agents = proxy ? await proxyAgents(proxy) : undefined;
  const agent = (url.protocol === 'https:' ? agents?.httpsAgent : agents?.httpAgent) as Agent | undefined;
  const endpoint = { service: call.service, url: base, ...(proxy ? { proxy } : {}) };
  const attempts = call.idempotent ? limits.attempts : 1;
  return guarded(endpoint, limits, call.operation, async () => {
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const answer = await send(url, call, limits, agent);
        if (answer.status >= 200 && answer.status < 300) return (answer.text ? JSON.parse(answer.text) : {}) as T;
        const error = serviceError(answer.status, answer.headers, answer.text);
        if (answer.status < 500 && answer.status !== 429) throw error;
        last = error;
      } catch (error) {
        if (error instanceof AwsServiceError && error.$metadata.httpStatusCode < 500 && error.$metadata.httpStatusCode !== 429) throw error;
        last = error;
      }
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
    throw last;
  });
}

/** The service's error name (`AuthorizationPendingException`, `UnauthorizedException`, ...), if it is one (SDK or ours). */
export function serviceErrorName(error: unknown): string | undefined {
  const e = error as { name?: string; $metadata?: unknown; cause?: unknown } | null;
  if (e && typeof e === 'object' && e.$metadata && typeof e.name === 'string') return e.name;
  if (e && typeof e === 'object' && e.cause) return serviceErrorName(e.cause);
  return undefined;
}
