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
 *
 * It speaks the little HTTP/1.1 these clients need (one GET, an answer, `Connection: close`) over
 * node:net, and draws its secrets from /dev/urandom: exec starts it on every run, from its fast
 * path too, and node:http's server and node:crypto cost more to load than all the rest of it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
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

/** `count` random bytes from the kernel's CSPRNG (node:crypto where there is no /dev/urandom). */
function randomBytes(count: number): Buffer {
  const bytes = Buffer.alloc(count);
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      let read = 0;
      while (read < count) read += readSync(fd, bytes, read, count - read, null);
    } finally {
      closeSync(fd);
    }
    return bytes;
  } catch {
    return (require('node:crypto') as typeof import('node:crypto')).randomBytes(count);
  }
}

/**
 * Constant-time for a given token: every character is compared whatever the first difference, and
 * a wrong length (the token's length is no secret: 43 characters) is refused without a comparison.
 */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  let difference = 0;
  for (let i = 0; i < token.length; i++) difference |= given.charCodeAt(i) ^ token.charCodeAt(i);
  return difference === 0;
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };
/** A request's head may hold this much; anything longer is not one of the SDKs' GETs. */
const MAX_HEAD_BYTES = 16 * 1024;
/** An idle or slow client is dropped after this long. */
const IDLE_MS = 10_000;

function answer(socket: Socket, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/json\r\ncache-control: no-store\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

/** The request line and headers (names in lower case, the first of each kept), or undefined if malformed. */
function parseHead(head: string): { method: string; target: string; headers: Map<string, string> } | undefined {
  const [requestLine = '', ...lines] = head.split('\r\n');
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (!match) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { method: match[1]!, target: match[2]!, headers };
}

export async function startContainerEndpoint(options: ContainerEndpointOptions): Promise<ContainerEndpoint> {
  const token = randomBytes(32).toString('base64url');
  const path = `/rolegate/${randomBytes(16).toString('hex')}`;
  let open = true;
  let served = 0;
  const sockets = new Set<Socket>();
  // one renewal at a time: clients that ask together share it
  let pending: Promise<TemporaryCredentials> | undefined;
  const current = () => {
    pending ??= options.credentials().finally(() => (pending = undefined));
    return pending;
  };

  const respond = (socket: Socket, head: string) => {
    const request = parseHead(head);
    if (!request) return answer(socket, 400, { code: 'BadRequest', message: 'a malformed request' });
    if (!tokenMatches(request.headers.get('authorization'), token)) return answer(socket, 403, { code: 'AccessDenied', message: 'a valid Authorization token is required' });
    if (request.method !== 'GET' || request.target.split('?')[0] !== path) return answer(socket, 404, { code: 'NotFound', message: 'no such resource' });
    current().then(
      (credentials) => {
        if (!open) return void socket.destroy();
        served++;
        answer(socket, 200, {
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          Token: credentials.sessionToken,
          Expiration: formatExpiration(credentials.expiration),
        });
      },
      (error: unknown) => {
        options.onError?.(error);
        if (!open) return void socket.destroy();
        answer(socket, 500, { code: 'CredentialsUnavailable', message: error instanceof Error ? error.message : String(error) });
      },
    );
  };

  const server = createServer((socket) => {
    if (!open) return void socket.destroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    let head = '';
    let answered = false;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (answered) return;
      head += chunk;
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) socket.destroy();
        return;
      }
      answered = true;
      if (end > MAX_HEAD_BYTES) return void socket.destroy();
      respond(socket, head.slice(0, end));
    });
  });
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
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
