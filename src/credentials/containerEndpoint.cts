/**
 * The container credentials endpoint `exec` serves to its command: every AWS SDK and the AWS CLI
 * fetch credentials from AWS_CONTAINER_CREDENTIALS_FULL_URI (http on a loopback address is
 * allowed), sending AWS_CONTAINER_AUTHORIZATION_TOKEN as the Authorization header, and fetch again
 * before what they hold expires. So a command that outlives one set of role credentials gets the
 * next set, renewed from the cached MFA session, without a new code while the session lasts.
 *
 * Only the command may use it: bound to 127.0.0.1 on a random port, a random path and a random
 * 256-bit token (compared in constant time), and closed when the command ends; a request after
 * that (or while closing) gets nothing.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatExpiration, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

export interface ContainerEndpoint {
  /** For AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  url: string;
  /** For AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  token: string;
  /** How many requests were answered with credentials (for status lines and tests). */
  served(): number;
  /** Stops serving at once (open connections are dropped) and waits for the server to close. */
  close(): Promise<void>;
}

export interface ContainerEndpointOptions {
  /** Credentials that last long enough to hand out now (the caller renews as needed). */
  credentials: () => Promise<TemporaryCredentials>;
  /** Told when obtaining credentials failed (the client gets a 500 and will retry or fail). */
  onError?: (error: unknown) => void;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time: compares digests, so neither length nor content leaks through timing. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(given), digest(token));
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export async function startContainerEndpoint(options: ContainerEndpointOptions): Promise<ContainerEndpoint> {
  const token = randomBytes(32).toString('base64url');
  const path = `/rolegate/${randomBytes(16).toString('hex')}`;
  let open = true;
  let served = 0;
  // one renewal at a time: clients that ask together share it
  let pending: Promise<TemporaryCredentials> | undefined;
  const current = () => {
    pending ??= options.credentials().finally(() => (pending = undefined));
    return pending;
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (!open) return void request.socket.destroy();
    if (!tokenMatches(request.headers.authorization, token)) return answer(response, 403, { code: 'AccessDenied', message: 'a valid Authorization token is required' });
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== path) return answer(response, 404, { code: 'NotFound', message: 'no such resource' });
    current().then(
      (credentials) => {
        if (!open) return void request.socket.destroy();
        served++;
        answer(response, 200, {
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          Token: credentials.sessionToken,
          Expiration: formatExpiration(credentials.expiration),
        });
      },
      (error: unknown) => {
        options.onError?.(error);
        if (!open) return void request.socket.destroy();
        answer(response, 500, { code: 'CredentialsUnavailable', message: error instanceof Error ? error.message : String(error) });
      },
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // the endpoint must never keep rolegate alive on its own
  server.unref();
  return {
    url: `http://127.0.0.1:${port}${path}`,
    token,
    served: () => served,
    close: () => {
      open = false;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
