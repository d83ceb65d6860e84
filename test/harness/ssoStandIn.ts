/**
 * A STAND-IN for IAM Identity Center's two services, which no emulator plays (moto has neither):
 * the OIDC service (`oidc.<region>.amazonaws.com`: RegisterClient, StartDeviceAuthorization,
 * CreateToken) and the portal (`portal.sso.<region>.amazonaws.com`: GetRoleCredentials,
 * ListAccounts, ListAccountRoles, Logout), with the request and response shapes of the SDK's
 * service models (restJson1: the paths, query names, the `x-amz-sso_bearer_token` header, errors as
 * `x-amzn-errortype` plus a JSON body; OIDC errors carry `error` and `error_description`). Clients
 * reach it as they reach the real services from anywhere else: `AWS_ENDPOINT_URL_SSO` and
 * `AWS_ENDPOINT_URL_SSO_OIDC`, which botocore and the JS SDK both honour.
 *
 * GetRoleCredentials hands out real credentials: it calls AssumeRole (through the strict layer,
 * into moto) for the role named, which the test creates in moto, so every later AWS call is real.
 * The device authorization stays `authorization_pending` until the test approves it, as the
 * person's browser would. Calls are counted per operation.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { recordSecret } from './secretRegistry.js';

export type SsoOperation = 'RegisterClient' | 'StartDeviceAuthorization' | 'CreateToken' | 'GetRoleCredentials' | 'ListAccounts' | 'ListAccountRoles' | 'Logout';

export interface StandInAccount {
  accountId: string;
  accountName: string;
  emailAddress?: string;
  roles: string[];
}

interface Client {
  secret: string;
  expiresAt: number;
  scopes: string[];
}
interface Device {
  clientId: string;
  userCode: string;
  startUrl: string;
  expiresAt: number;
  approved: boolean;
  used: boolean;
  interval: number;
}
interface Grant {
  clientId: string;
  startUrl: string;
  expiresAt: number;
  valid: boolean;
}

export interface IssuedToken {
  accessToken: string;
  expiresAt: number;
  refreshToken?: string;
  clientId: string;
  clientSecret: string;
  registrationExpiresAt: number;
}

export interface SsoStandIn {
  endpoint: string;
  /** Calls per operation (CreateToken split by grant: `CreateToken:device_code`, `CreateToken:refresh_token`; tokens a sign-in got: `CreateToken:device_code:issued`). */
  counts: Record<string, number>;
  /** The accounts and roles the sign-in reaches (ListAccounts, ListAccountRoles, GetRoleCredentials). */
  accounts: StandInAccount[];
  /** Resolves with the next device authorization started (its user code and URL), as the person sees it. */
  nextDevice(): Promise<{ userCode: string; verificationUriComplete: string }>;
  /** The person approves in the browser: every pending device authorization (or the one with this code). */
  approve(userCode?: string): void;
  /** A sign-in made earlier (as `aws sso login` would have): a registered client, a token and maybe a refresh token. */
  issue(options: { startUrl: string; expiresInSeconds: number; refreshable?: boolean }): IssuedToken;
  /** Ends an access or refresh token before its time (as a sign-out elsewhere, or an administrator, would). */
  revoke(token: string): void;
  /** Answers CreateToken (device code) with slow_down once before anything else. */
  slowDownOnce(): void;
  close(): Promise<void>;
}

const ROLE_SECONDS = 3600;

function secret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, value: unknown, errorType?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  response.writeHead(status, headers).end(value === undefined ? '' : JSON.stringify(value));
}

/** The OIDC service's error: the exception name in the header, `error` and `error_description` in the body. */
function oidcError(response: ServerResponse, status: number, type: string, error: string, description: string): void {
  send(response, status, { error, error_description: description }, type);
}

function portalError(response: ServerResponse, status: number, type: string, message: string): void {
  send(response, status, { message }, type);
}

/** The key id the stand-in's own AssumeRole calls carry (AWS's documented example), so tests can tell them from rolegate's. */
export const STAND_IN_KEY_ID = 'AKIAI44QH8DHBEXAMPLE';

/** AssumeRole through the AWS endpoint (the strict layer in front of moto), as the portal's backend would. */
async function assumeRole(stsEndpoint: string, accountId: string, roleName: string): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number }> {
  const params = new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: 'sso-stand-in', DurationSeconds: String(ROLE_SECONDS) });
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const answer = await fetch(stsEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-amz-date': date,
      authorization: `AWS4-HMAC-SHA256 Credential=${STAND_IN_KEY_ID}/${date.slice(0, 8)}/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    },
    body: params.toString(),
  });
  const text = await answer.text();
  const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(text)?.[1];
  const accessKeyId = field('AccessKeyId');
  const secretAccessKey = field('SecretAccessKey');
  const sessionToken = field('SessionToken');
  if (!answer.ok || !accessKeyId || !secretAccessKey || !sessionToken) throw new Error(`AssumeRole for the stand-in failed (${answer.status}): ${text.slice(0, 300)}`);
  recordSecret('secret access key', secretAccessKey);
  recordSecret('session token', sessionToken);
  return { accessKeyId, secretAccessKey, sessionToken, expiration: Date.now() + ROLE_SECONDS * 1000 };
}

export async function startSsoStandIn(options: {
  stsEndpoint: string;
  accounts?: StandInAccount[];
  tokenSeconds?: number;
  pageSize?: number;
  deviceSeconds?: number;
  /** The lifetime GetRoleCredentials states (the credentials themselves last an hour in moto): short, to watch renewals. */
  roleSeconds?: number;
}): Promise<SsoStandIn> {
  const counts: Record<string, number> = {};
  const clients = new Map<string, Client>();
  const devices = new Map<string, Device>();
  const accessTokens = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant & { scopes: string[] }>();
  const deviceWaiters: Array<(d: { userCode: string; verificationUriComplete: string }) => void> = [];
  let slowDown = false;
  const tokenSeconds = options.tokenSeconds ?? 8 * 3600;
  const pageSize = options.pageSize ?? 2;
  let endpoint = '';
  const state = { accounts: options.accounts ?? [] };

  const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);

  const newToken = (clientId: string, startUrl: string, scopes: string[], expiresInSeconds: number) => {
    const accessToken = `aoa${secret(48)}`;
    accessTokens.set(accessToken, { clientId, startUrl, expiresAt: Date.now() + expiresInSeconds * 1000, valid: true });
    // AWS issues a refresh token only to a client registered with scopes (an sso-session's)
    let refreshToken: string | undefined;
    if (scopes.length) {
      refreshToken = `aor${secret(48)}`;
      refreshTokens.set(refreshToken, { clientId, startUrl, expiresAt: Date.now() + 90 * 86400_000, valid: true, scopes });
    }
    return { accessToken, refreshToken };
  };

  const bearer = (request: IncomingMessage): Grant | undefined => {
    const token = request.headers['x-amz-sso_bearer_token'];
    const grant = typeof token === 'string' ? accessTokens.get(token) : undefined;
    return grant && grant.valid && grant.expiresAt > Date.now() ? grant : undefined;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = request.method ?? '';
    const text = await body(request);
    // ---- OIDC ----
    if (method === 'POST' && ['/client/register', '/device_authorization', '/token'].includes(url.pathname)) {
      let input: Record<string, unknown>;
      try {
        input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        return oidcError(response, 400, 'InvalidRequestException', 'invalid_request', 'the body is not JSON');
      }
      const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
      const clientOf = (): Client | undefined => {
        const client = clients.get(str('clientId') ?? '');
        return client && client.secret === str('clientSecret') && client.expiresAt > Date.now() ? client : undefined;
      };
      if (url.pathname === '/client/register') {
        count('RegisterClient');
        if (!str('clientName') || !str('clientType')) return oidcError(response, 400, 'InvalidRequestException', 'invalid_request', 'clientName and clientType are required');
        if (str('clientType') !== 'public') return oidcError(response, 400, 'InvalidClientMetadataException', 'invalid_client_metadata', 'clientType must be public');
        const scopes = Array.isArray(input.scopes) ? (input.scopes as string[]) : [];
        const clientId = `cid${secret(16)}`;
        const clientSecret = `cs${secret(64)}`;
        const expiresAt = Date.now() + 90 * 86400_000;
        clients.set(clientId, { secret: clientSecret, expiresAt, scopes });
        return send(response, 200, { clientId, clientSecret, clientIdIssuedAt: Math.floor(Date.now() / 1000), clientSecretExpiresAt: Math.floor(expiresAt / 1000) });
      }
      if (url.pathname === '/device_authorization') {
        count('StartDeviceAuthorization');
        if (!str('startUrl')) return oidcError(response, 400, 'InvalidRequestException', 'invalid_request', 'startUrl is required');
        if (!clientOf()) return oidcError(response, 401, 'InvalidClientException', 'invalid_client', 'the client is not registered or its secret is wrong');
        const deviceCode = `dc${secret(32)}`;
        const userCode = `${secret(3).toUpperCase().replace(/[^A-Z0-9]/g, 'X').slice(0, 4)}-${secret(3).toUpperCase().replace(/[^A-Z0-9]/g, 'Y').slice(0, 4)}`;
        const device: Device = { clientId: str('clientId')!, userCode, startUrl: str('startUrl')!, expiresAt: Date.now() + (options.deviceSeconds ?? 600) * 1000, approved: false, used: false, interval: 1 };
        devices.set(deviceCode, device);
        const verificationUri = `${endpoint}/device`;
        const verificationUriComplete = `${verificationUri}?user_code=${userCode}`;
        for (const waiter of deviceWaiters.splice(0)) waiter({ userCode, verificationUriComplete });
        return send(response, 200, { deviceCode, userCode, verificationUri, verificationUriComplete, expiresIn: options.deviceSeconds ?? 600, interval: device.interval });
      }
      // /token
      const grantType = str('grantType') ?? '';
      count('CreateToken');
      count(`CreateToken:${grantType.replace('urn:ietf:params:oauth:grant-type:', '')}`);
      const client = clientOf();
      if (!client) return oidcError(response, 401, 'InvalidClientException', 'invalid_client', 'the client is not registered or its secret is wrong');
      if (grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
        const device = devices.get(str('deviceCode') ?? '');
        if (!device || device.clientId !== str('clientId') || device.used) return oidcError(response, 400, 'InvalidGrantException', 'invalid_grant', 'the device code is not valid');
        if (device.expiresAt <= Date.now()) return oidcError(response, 400, 'ExpiredTokenException', 'expired_token', 'the device code has expired');
        if (slowDown) {
          slowDown = false;
          return oidcError(response, 400, 'SlowDownException', 'slow_down', 'polling too fast');
        }
        if (!device.approved) return oidcError(response, 400, 'AuthorizationPendingException', 'authorization_pending', 'the person has not approved yet');
        device.used = true;
        count('CreateToken:device_code:issued');
        const { accessToken, refreshToken } = newToken(str('clientId')!, device.startUrl, client.scopes, tokenSeconds);
        return send(response, 200, { accessToken, tokenType: 'Bearer', expiresIn: tokenSeconds, ...(refreshToken ? { refreshToken } : {}) });
      }
      if (grantType === 'refresh_token') {
        const grant = refreshTokens.get(str('refreshToken') ?? '');
        if (!grant || !grant.valid || grant.clientId !== str('clientId') || grant.expiresAt <= Date.now()) return oidcError(response, 400, 'InvalidGrantException', 'invalid_grant', 'the refresh token is not valid');
        // the old refresh token is spent: a second refresh with it fails, as a double refresh would
        grant.valid = false;
        const { accessToken, refreshToken } = newToken(grant.clientId, grant.startUrl, grant.scopes, tokenSeconds);
        return send(response, 200, { accessToken, tokenType: 'Bearer', expiresIn: tokenSeconds, refreshToken });
      }
      return oidcError(response, 400, 'UnsupportedGrantTypeException', 'unsupported_grant_type', `grant type ${grantType}`);
    }
    // ---- portal ----
    if (method === 'GET' && url.pathname === '/federation/credentials') {
      count('GetRoleCredentials');
      const roleName = url.searchParams.get('role_name');
      const accountId = url.searchParams.get('account_id');
      if (!roleName || !accountId) return portalError(response, 400, 'InvalidRequestException', 'role_name and account_id are required');
      if (!bearer(request)) return portalError(response, 401, 'UnauthorizedException', 'Session token not found or invalid');
      const account = state.accounts.find((a) => a.accountId === accountId);
      if (!account || !account.roles.includes(roleName)) return portalError(response, 403, 'ForbiddenException', 'No access');
      const c = await assumeRole(options.stsEndpoint, accountId, roleName);
      return send(response, 200, { roleCredentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: options.roleSeconds ? Date.now() + options.roleSeconds * 1000 : c.expiration } });
    }
    if (method === 'GET' && (url.pathname === '/assignment/accounts' || url.pathname === '/assignment/roles')) {
      const roles = url.pathname === '/assignment/roles';
      count(roles ? 'ListAccountRoles' : 'ListAccounts');
      if (!bearer(request)) return portalError(response, 401, 'UnauthorizedException', 'Session token not found or invalid');
      const max = Math.min(Number(url.searchParams.get('max_result') ?? pageSize) || pageSize, pageSize);
      const start = Number(url.searchParams.get('next_token') ?? '0') || 0;
      let items: unknown[];
      if (roles) {
        const account = state.accounts.find((a) => a.accountId === url.searchParams.get('account_id'));
        if (!account) return portalError(response, 403, 'ForbiddenException', 'No access');
        items = account.roles.map((roleName) => ({ roleName, accountId: account.accountId }));
      } else {
        items = state.accounts.map((a) => ({ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress ?? `${a.accountId}@example.com` }));
      }
      const page = items.slice(start, start + max);
      const nextToken = start + max < items.length ? String(start + max) : undefined;
      return send(response, 200, { [roles ? 'roleList' : 'accountList']: page, ...(nextToken ? { nextToken } : {}) });
    }
    if (method === 'POST' && url.pathname === '/logout') {
      count('Logout');
      const grant = bearer(request);
      if (!grant) return portalError(response, 401, 'UnauthorizedException', 'Session token not found or invalid');
      grant.valid = false;
      for (const refresh of refreshTokens.values()) if (refresh.clientId === grant.clientId && refresh.startUrl === grant.startUrl) refresh.valid = false;
      return send(response, 200, undefined);
    }
    count(`unknown ${method} ${url.pathname}`);
    portalError(response, 404, 'UnknownOperationException', `no such operation: ${method} ${url.pathname}`);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) portalError(response, 500, 'InternalServerException', error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    endpoint,
    counts,
    get accounts() {
      return state.accounts;
    },
    set accounts(value: StandInAccount[]) {
      state.accounts = value;
    },
    nextDevice: () => new Promise((resolve) => deviceWaiters.push(resolve)),
    approve(userCode?: string) {
      for (const device of devices.values()) if (userCode === undefined || device.userCode === userCode) device.approved = true;
    },
    issue({ startUrl, expiresInSeconds, refreshable }) {
      const clientId = `cid${secret(16)}`;
      const clientSecret = `cs${secret(64)}`;
      const registrationExpiresAt = Date.now() + 90 * 86400_000;
      const scopes = refreshable === false ? [] : ['sso:account:access'];
      clients.set(clientId, { secret: clientSecret, expiresAt: registrationExpiresAt, scopes });
      const { accessToken, refreshToken } = newToken(clientId, startUrl, scopes, expiresInSeconds);
      return { accessToken, expiresAt: Date.now() + expiresInSeconds * 1000, ...(refreshToken ? { refreshToken } : {}), clientId, clientSecret, registrationExpiresAt };
    },
    revoke(token: string) {
      const grant = accessTokens.get(token) ?? refreshTokens.get(token);
      if (grant) grant.valid = false;
    },
    slowDownOnce() {
      slowDown = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
