/**
 * A TEST STAND-IN for faults no emulator produces: a lost answer, a dropped connection, a silent
 * endpoint. It sits in front of whatever endpoint the test points it at (moto, or a layer in front
 * of moto) and forwards every request, except those whose AWS action (the query protocol's
 * `Action=`, as IAM, STS and EC2 use) has a rule:
 *   - `hang`: accept the request and never answer (nothing reaches the target);
 *   - `forward-then-hang`: the target does the work, and the answer never comes;
 *   - `answer-then-500`: the target does the work, and its answer is replaced by HTTP 500;
 *   - `forward-then-reset`: the target does the work, and the connection is reset instead of answering;
 *   - `throttle`: AWS's throttling answer (HTTP 400, Throttling), nothing reaching the target: as on
 *     AWS, a throttled request was never carried out (an MFA code it carried was not used).
 * A refused connection needs no proxy: a closed port (`closedPort()`).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type Fault = 'hang' | 'forward-then-hang' | 'answer-then-500' | 'forward-then-reset' | 'throttle';

export interface FaultProxy {
  endpoint: string;
  /** Applies `fault` to the next `times` requests for `action` (default once). */
  inject(action: string, fault: Fault, times?: number): void;
  /** Every action that arrived, in order, with the fault it met (or `pass`). */
  log: { action: string; fault: Fault | 'pass' }[];
  close(): Promise<void>;
}

const INTERNAL_FAILURE =
  '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Receiver</Type><Code>InternalFailure</Code>' +
  '<Message>injected by the test fault proxy after the request was carried out</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>';

const THROTTLING =
  '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code>' +
  '<Message>Rate exceeded (injected by the test fault proxy)</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>';

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Sends the request on to the target and resolves with its whole answer. */
function forward(target: string, request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url ?? '/', target);
    const headers = { ...request.headers, host: url.host, 'content-length': String(body.length) };
    const out = httpRequest(url, { method: request.method, headers }, (answer) => {
      readBody(answer).then((data) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: data }), reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const rules = new Map<string, { fault: Fault; times: number }>();
  const sockets = new Set<Socket>();
  const log: FaultProxy['log'] = [];
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? new URL(request.url ?? '/', 'http://x').searchParams.get('Action') ?? '?';
    const rule = rules.get(action);
    const fault = rule && rule.times > 0 ? rule.fault : undefined;
    if (rule && fault) rule.times -= 1;
    log.push({ action, fault: fault ?? 'pass' });
    if (fault === 'hang') return; // the socket stays open until close()
    if (fault === 'throttle') {
      response.writeHead(400, { 'content-type': 'text/xml' }).end(THROTTLING);
      return;
    }
    let answer;
    try {
      answer = await forward(target, request, body);
    } catch (error) {
      response.writeHead(502).end(String(error));
      return;
    }
    if (fault === 'forward-then-hang') return;
    if (fault === 'forward-then-reset') {
      request.socket.resetAndDestroy();
      return;
    }
    if (fault === 'answer-then-500') {
      response.writeHead(500, { 'content-type': 'text/xml' }).end(INTERNAL_FAILURE);
      return;
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.body.length);
    response.writeHead(answer.status, headers).end(answer.body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inject: (action, fault, times = 1) => void rules.set(action, { fault, times }),
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A listener that accepts every connection and never answers (a hung endpoint). */
export async function startSilentListener(): Promise<{ endpoint: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createNetServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on loopback that nothing listens on: connecting is refused. */
export async function closedPort(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
