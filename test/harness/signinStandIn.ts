/**
 * A STAND-IN for the AWS Sign-In service's token endpoint (service id "Signin", 2023-01-01,
 * rest-json), which no emulator plays: `aws login` (AWS CLI 2.32+) leaves a console sign-in in
 * ~/.aws/login/cache, and the SDKs renew its 15-minute credentials with CreateOAuth2Token.
 *
 * Shapes, from the SDK's model (@aws-sdk/nested-clients/signin, schemas_0) and botocore's
 * data/signin/2023-01-01/service-2.json:
 *   request   POST /v1/token, JSON body = CreateOAuth2TokenRequestBody (the payload member
 *             tokenInput): {"clientId", "grantType": "refresh_token", "refreshToken"}; no SigV4
 *             (smithy.api#noAuth); a `DPoP` header.
 *   answer    200, JSON body = CreateOAuth2TokenResponseBody (payload tokenOutput):
 *             {"accessToken": {"accessKeyId", "secretAccessKey", "sessionToken"}, "tokenType",
 *             "expiresIn" (at most 900), "refreshToken"}
 *   errors    x-amzn-errortype + {"error", "message"}: ValidationException 400 (INVALID_REQUEST),
 *             AccessDeniedException 401 (TOKEN_EXPIRED) / 403 (USER_CREDENTIALS_CHANGED).
 * The DPoP proof (RFC 9449) is checked for shape: a JWT whose header is {typ: dpop+jwt, alg: ES256,
 * jwk: the P-256 public key of the key the sign-in was bound to (the cache's dpopKey)}, whose
 * payload has htm POST, htu this endpoint's /v1/token, iat within 5 minutes, a jti never seen
 * before, and whose ES256 signature verifies with that jwk.
 *
 * A sign-in is refused to a user without SignInLocalDevelopmentAccess (or AdministratorAccess),
 * which grants what `aws login` needs (signin:AuthorizeOAuth2Access, signin:CreateOAuth2Token).
 * The credentials it hands out are real to moto: GetSessionToken for the signed-in IAM user
 * (with the user's access key, through the strict layer), or, for a user without an access key
 * (setup --identity console), the strict layer's console session (POST /_harness/console-session),
 * so every later AWS call is checked as usual and GetCallerIdentity names the user. The refresh token rotates on every refresh; the old
 * one is refused. It counts refreshes.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID, verify, type JsonWebKey } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createStsQuery } from '../../src/aws/stsQuery.js';
import { recordSecret } from './secretRegistry.js';

/**
 * A P-256 key for the DPoP binding, made without generateKeyPair: Node 20 can deadlock exporting a
 * generated key as a JWK when the export's allocation runs a GC that frees the key-generation job,
 * whose destructor locks the mutex the export holds (a hung loginSession test, seen in gdb). The
 * key comes from ECDH, the JWK is built from its point, and the PEM is exported from a key object
 * no generation job shares.
 */
function newDpopKey(): { dpopKey: string; jwk: JsonWebKey } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const point = ecdh.getPublicKey(); // 0x04, then x and y (32 bytes each)
  const scalar = ecdh.getPrivateKey();
  const d = Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]); // a JWK's d is the full 32 bytes
  const jwk: JsonWebKey = { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) };
  const dpopKey = createPrivateKey({ key: { ...jwk, d: b64url(d) }, format: 'jwk' }).export({ format: 'pem', type: 'sec1' }).toString();
  return { dpopKey, jwk };
}

/** The file `aws login` writes (fields as in the SDK's LoginToken type and its tests). */
export interface LoginToken {
  accessToken: { accessKeyId: string; secretAccessKey: string; sessionToken: string; accountId: string; expiresAt: string };
  tokenType: string;
  clientId: string;
  refreshToken: string;
  idToken: string;
  dpopKey: string;
}

export const SAME_DEVICE_CLIENT = 'arn:aws:signin:::devtools/same-device';
const TOKEN_TYPE = 'urn:aws:params:oauth:token-type:access_token_sigv4';
/** What CreateOAuth2Token says the credentials last: at most 900 s (the model). */
const MAX_EXPIRES_IN = 900;

export interface UserKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface StandInRequest {
  status: number;
  /** The error the stand-in answered with (ValidationException: what was wrong). */
  error?: string;
  problem?: string;
  /** Who sent it (the User-Agent's first word: aws-sdk-js, Botocore, ...). */
  agent: string;
}

/** Who signs in: an IAM user with an access key (its GetSessionToken), or one without (setup --identity console). */
export type SignInIdentity = UserKey | { userName: string };

interface Session {
  user: SignInIdentity;
  accountId: string;
  clientId: string;
  jwk: JsonWebKey;
  refreshToken: string;
  ended: boolean;
}

export interface SigninStandIn {
  /** Where the SDKs reach it: AWS_ENDPOINT_URL_SIGNIN (both the JS SDK and botocore honour it). */
  endpoint: string;
  /**
   * What `aws login` leaves for an IAM user: credentials of the user (15 minutes), a refresh token
   * bound to a new DPoP key. `expiresAt` in the past makes the first use refresh.
   */
  signIn(options: { user: SignInIdentity; accountId: string; expiresAt?: Date }): Promise<LoginToken>;
  /** CreateOAuth2Token calls answered with new credentials. */
  refreshes(): number;
  requests(): StandInRequest[];
  /** The expiresIn of the next answers (seconds, at most 900): short lives make renewals testable. */
  setExpiresIn(seconds: number): void;
  /** The session's end (12 h, or a password change): the next refresh gets TOKEN_EXPIRED. */
  endSessions(): void;
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Checks a DPoP proof for shape and signature; returns what is wrong, or the proof's jwk. */
export function checkDpopProof(proof: string | undefined, htu: string, seenJti: Set<string>, nowSeconds: number): { problem: string } | { jwk: JsonWebKey } {
  if (!proof) return { problem: 'no DPoP header' };
  const parts = proof.split('.');
  if (parts.length !== 3) return { problem: 'DPoP is not a JWT' };
  let header: { typ?: string; alg?: string; jwk?: JsonWebKey };
  let payload: { htm?: string; htu?: string; iat?: number; jti?: string };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { problem: 'DPoP header or payload is not JSON' };
  }
  if (header.typ !== 'dpop+jwt' || header.alg !== 'ES256') return { problem: `DPoP typ/alg ${header.typ}/${header.alg}` };
  const jwk = header.jwk;
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || 'd' in jwk) return { problem: 'DPoP jwk is not a P-256 public key' };
  if (payload.htm !== 'POST') return { problem: `DPoP htm ${payload.htm}` };
  if (payload.htu !== htu) return { problem: `DPoP htu ${payload.htu}, not ${htu}` };
  if (typeof payload.iat !== 'number' || Math.abs(payload.iat - nowSeconds) > 300) return { problem: `DPoP iat ${payload.iat}` };
  if (typeof payload.jti !== 'string' || payload.jti.length < 16 || seenJti.has(payload.jti)) return { problem: 'DPoP jti missing or reused' };
  const signature = Buffer.from(parts[2]!, 'base64url');
  if (signature.length !== 64) return { problem: 'DPoP signature is not a raw ES256 signature' };
  const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) return { problem: 'DPoP signature does not verify' };
  seenJti.add(payload.jti);
  return { jwk };
}

export async function startSigninStandIn(options: { stsEndpoint: string; region?: string }): Promise<SigninStandIn> {
  const region = options.region ?? 'us-east-1';
  const sessions = new Map<string, Session>();
  const retired = new Set<string>();
  const seenJti = new Set<string>();
  const log: StandInRequest[] = [];
  let refreshCount = 0;
  let expiresIn = MAX_EXPIRES_IN;
  let endpoint = '';

  /** Credentials of the user, as moto (through the strict layer) issues them: 15 minutes. */
  const userCredentials = async (user: SignInIdentity, accountId: string) => {
    if ('userName' in user) {
      // no access key to sign with: the strict layer makes the console session (strictAws.ts)
      const response = await fetch(`${options.stsEndpoint}/_harness/console-session`, { method: 'POST', body: JSON.stringify({ account: accountId, user: user.userName, seconds: MAX_EXPIRES_IN }) });
      if (!response.ok) throw new Error(`console session: HTTP ${response.status}`);
      return (await response.json()) as { accessKeyId: string; secretAccessKey: string; sessionToken: string };
    }
    const sts = createStsQuery({ credentials: user, env: { AWS_ENDPOINT_URL: options.stsEndpoint }, region });
    const { Credentials } = await sts.getSessionToken({ DurationSeconds: MAX_EXPIRES_IN });
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) throw new Error('GetSessionToken gave no credentials');
    recordSecret('secret access key', Credentials.SecretAccessKey);
    recordSecret('session token', Credentials.SessionToken);
    return { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
  };

  /**
   * `aws login` needs signin:AuthorizeOAuth2Access (and its renewals signin:CreateOAuth2Token),
   * which the AWS managed policy SignInLocalDevelopmentAccess grants: a sign-in is refused without
   * a policy that grants them (SignInLocalDevelopmentAccess, or AdministratorAccess), as the
   * console refuses it. Read from moto (its access control must be off while signing in).
   */
  const assertMaySignIn = async (user: SignInIdentity, accountId: string) => {
    const name = 'userName' in user ? user.userName : await userNameOfKey(user);
    const answer = await fetch(options.stsEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/${region}/iam/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: `Action=ListAttachedUserPolicies&Version=2010-05-08&UserName=${encodeURIComponent(name)}`,
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`sign-in stand-in: ListAttachedUserPolicies for ${name}: HTTP ${answer.status}`);
    if (!/policy\/(SignInLocalDevelopmentAccess|AdministratorAccess)</.test(text)) {
      throw new Error(`sign-in refused (stand-in): user ${name} of ${accountId} is not authorized to perform signin:AuthorizeOAuth2Access (attach SignInLocalDevelopmentAccess)`);
    }
  };
  const userNameOfKey = async (user: UserKey) => {
    const answer = await fetch(options.stsEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/${region}/iam/aws4_request, SignedHeaders=host, Signature=0` },
      body: `Action=GetAccessKeyLastUsed&Version=2010-05-08&AccessKeyId=${encodeURIComponent(user.accessKeyId)}`,
    });
    return /<UserName>([^<]+)<\/UserName>/.exec(await answer.text())?.[1] ?? '';
  };

  const newRefreshToken = () => {
    const token = `rt-${randomBytes(48).toString('base64url')}`;
    recordSecret('session token', token);
    return token;
  };

  const answer = (response: ServerResponse, status: number, body: unknown, errorType?: string) => {
    response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    response.end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const agent = String(request.headers['user-agent'] ?? '').split(/[ /]/)[0] ?? '';
    const refuse = (status: number, type: string, error: string, message: string, problem?: string) => {
      log.push({ status, error: `${type}/${error}`, problem, agent });
      answer(response, status, { error, message }, type);
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'POST' || path !== '/v1/token') return refuse(400, 'ValidationException', 'INVALID_REQUEST', `no such operation: ${request.method} ${request.url}`, 'route');
    let input: { clientId?: unknown; grantType?: unknown; refreshToken?: unknown };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return refuse(400, 'ValidationException', 'INVALID_REQUEST', 'The request body is not JSON', 'body');
    }
    if (input.grantType !== 'refresh_token') return refuse(400, 'ValidationException', 'INVALID_REQUEST', `unsupported grant type ${String(input.grantType)}`, 'grantType');
    const token = typeof input.refreshToken === 'string' ? input.refreshToken : '';
    const session = sessions.get(token);
    if (!session) {
      return refuse(400, 'ValidationException', 'INVALID_REQUEST', 'The provided authorization grant is invalid', retired.has(token) ? 'a rotated refresh token' : 'unknown refresh token');
    }
    if (input.clientId !== session.clientId) return refuse(400, 'ValidationException', 'INVALID_REQUEST', 'client_id does not match the grant', 'clientId');
    const dpop = request.headers.dpop;
    const checked = checkDpopProof(typeof dpop === 'string' ? dpop : undefined, `${endpoint}/v1/token`, seenJti, Math.floor(Date.now() / 1000));
    if ('problem' in checked) return refuse(400, 'ValidationException', 'INVALID_REQUEST', 'Invalid DPoP proof', checked.problem);
    if (checked.jwk.x !== session.jwk.x || checked.jwk.y !== session.jwk.y) return refuse(400, 'ValidationException', 'INVALID_REQUEST', 'DPoP key does not match the grant', 'another DPoP key');
    if (session.ended) return refuse(401, 'AccessDeniedException', 'TOKEN_EXPIRED', 'Your session has expired. Please reauthenticate.');
    const accessToken = await userCredentials(session.user, session.accountId);
    sessions.delete(token);
    retired.add(token);
    session.refreshToken = newRefreshToken();
    sessions.set(session.refreshToken, session);
    refreshCount += 1;
    log.push({ status: 200, agent });
    answer(response, 200, { accessToken, tokenType: TOKEN_TYPE, expiresIn, refreshToken: session.refreshToken });
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request, Buffer.concat(chunks), response).catch((error: unknown) => {
        log.push({ status: 500, error: String(error), agent: '' });
        if (!response.headersSent) answer(response, 500, { error: 'server_error', message: String(error) }, 'InternalServerException');
        else response.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    async signIn({ user, accountId, expiresAt }) {
      await assertMaySignIn(user, accountId);
      const { dpopKey, jwk } = newDpopKey();
      const credentials = await userCredentials(user, accountId);
      const refreshToken = newRefreshToken();
      sessions.set(refreshToken, { user, accountId, clientId: SAME_DEVICE_CLIENT, jwk, refreshToken, ended: false });
      const now = Math.floor(Date.now() / 1000);
      const idToken = [b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })), b64url(JSON.stringify({ iss: endpoint, aud: SAME_DEVICE_CLIENT, sub: accountId, iat: now, exp: now + MAX_EXPIRES_IN })), b64url(randomBytes(32))].join('.');
      const expiry = expiresAt ?? new Date(Date.now() + expiresIn * 1000);
      return {
        accessToken: { ...credentials, accountId, expiresAt: expiry.toISOString().replace(/\.\d{3}Z$/, 'Z') },
        tokenType: TOKEN_TYPE,
        clientId: SAME_DEVICE_CLIENT,
        refreshToken,
        idToken,
        dpopKey,
      };
    },
    refreshes: () => refreshCount,
    setExpiresIn(seconds) {
      expiresIn = Math.min(seconds, MAX_EXPIRES_IN);
    },
    requests: () => log.map((entry) => ({ ...entry })),
    endSessions() {
      for (const session of sessions.values()) session.ended = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Where `aws login` keeps a session's token (the SDK's and botocore's rule, computed here on its own). */
export function loginCachePath(home: string, loginSession: string): string {
  return join(home, '.aws', 'login', 'cache', `${createHash('sha256').update(loginSession, 'utf8').digest('hex')}.json`);
}

/** Writes the token as `aws login` leaves it: a 0600 file in a 0700 folder. */
export function writeLoginCache(home: string, loginSession: string, token: LoginToken): string {
  const path = loginCachePath(home, loginSession);
  mkdirSync(join(home, '.aws', 'login', 'cache'), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(token, null, 2), { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
