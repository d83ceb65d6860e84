/**
 * One AWS Query API call (a signed form POST answered with XML), sent with Node's own http/https:
 * the STS calls of the credential refresh paths (stsQuery.ts) go out this way, without loading the
 * SDK. It keeps the SDK clients' rules (callSettings.ts): the endpoint, the limits (connect, request,
 * silent stretches, attempts), the proxy HTTPS_PROXY / HTTP_PROXY / NO_PROXY name, the guard that
 * names transient failures, and a retry decision passed in (retryPolicy.ts). AWS's error answers
 * come back shaped as the SDK shapes them (`name` = AWS's code, `$metadata.httpStatusCode`).
 */
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Agent } from 'node:http';
import { guarded, proxyAgents, proxyFor, type CallLimits } from './callSettings.js';
import type { AwsEndpoint } from './networkErrors.js';
import type { RetryDecision } from './retryPolicy.js';
import { signedHeaders, type SigningCredentials } from './signatureV4.js';

/** An error answer from AWS, in the SDK's shape: `name` is AWS's error code. */
export class AwsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string; attempts?: number; clockSkewCorrected?: boolean };
  constructor(code: string, message: string, status: number, requestId?: string) {
    super(message);
    this.name = code;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

export interface QueryCall {
  /** For messages and the guard: `sts:AssumeRole`. */
  operation: string;
  action: string;
  version: string;
  params: Record<string, string | number | undefined>;
  endpoint: AwsEndpoint;
  region: string;
  /** The signing name (`sts`). */
  signingName: string;
  /** Absent: an unsigned request (AssumeRoleWithWebIdentity, which carries its own token). */
  credentials?: SigningCredentials;
  limits: CallLimits;
  retry: RetryDecision;
}

const MAX_ANSWER_BYTES = 1 << 20;
const CLOCK_SKEW = new Set(['AuthFailure', 'InvalidSignatureException', 'RequestExpired', 'RequestInTheFuture', 'RequestTimeTooSkewed', 'SignatureDoesNotMatch']);
/** Server time minus ours, learnt from an answer that refused our clock (as the SDK corrects it). */
let clockOffsetMs = 0;

// the SDK's encoding of Query parameters: RFC 3986, so !'()* are escaped too
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function queryBody(action: string, version: string, params: QueryCall['params']): string {
  const pairs = [`Action=${encode(action)}`, `Version=${encode(version)}`];
  for (const [name, value] of Object.entries(params)) if (value !== undefined) pairs.push(`${encode(name)}=${encode(String(value))}`);
  return pairs.join('&');
}

/** The raw inside of the first `<tag>` element. */
export function xmlElement(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** The text of the first `<tag>` in an AWS answer, entities decoded. */
export function xmlText(xml: string, tag: string): string | undefined {
  return xmlElement(xml, tag)?.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, name: string) =>
    name[0] === '#' ? String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1))) : ENTITIES[name]!,
  );
}

const timeoutError = (message: string, code?: string) => Object.assign(new Error(message), { name: 'TimeoutError', ...(code ? { code } : {}) });

/** An HTTP answer, its text whole (at most MAX_ANSWER_BYTES). */
export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  date?: string;
  text: string;
}

/**
 * One HTTP request to an AWS endpoint, bounded: connectMs to connect, requestMs until the answer
 * starts, requestMs per silent stretch after. Shared by the Query calls here and the IAM Identity
 * Center calls of the refresh path (sources/sso/ssoHttp.ts).
 */
export function sendOnce(
  url: URL,
  request: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  limits: CallLimits,
  agent: Agent | undefined,
  http: typeof import('node:http'),
): Promise<HttpAnswer> {
  const { method, headers, body } = request;
  return new Promise((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (error: Error | undefined, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(answer!);
    };
    const options: RequestOptions = {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      path: `${url.pathname || '/'}${url.search}`,
      method,
      headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: agent ?? false,
    };
    const request: ClientRequest = http.request(options, (response: IncomingMessage) => {
      clearTimeout(timers[1]);
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) return finish(new Error(`the answer was larger than ${MAX_ANSWER_BYTES} bytes`));
        chunks.push(chunk);
      });
      response.on('error', (error) => finish(error));
      response.on('aborted', () => finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      response.on('end', () => {
        const date = response.headers.date;
        finish(undefined, { status: response.statusCode ?? 0, headers: response.headers, date, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.on('error', (error) => finish(error));
    timers.push(
      setTimeout(() => {
        if (!request.socket || request.socket.connecting) finish(timeoutError(`the request socket did not establish a connection with the server within the configured timeout of ${limits.connectMs} ms`));
      }, limits.connectMs),
      setTimeout(() => finish(timeoutError(`a request has exceeded the configured ${limits.requestMs} ms requestTimeout`, 'ETIMEDOUT')), limits.requestMs),
    );
    request.setTimeout(limits.requestMs, () => finish(timeoutError(`the request socket timed out after ${limits.requestMs} ms of inactivity`)));
    request.end(body);
  });
}

function serviceError(answer: HttpAnswer): AwsServiceError {
  const code = xmlText(answer.text, 'Code') ?? (answer.status === 429 ? 'TooManyRequestsException' : 'UnknownError');
  const error = new AwsServiceError(code, xmlText(answer.text, 'Message') ?? `HTTP ${answer.status}`, answer.status, xmlText(answer.text, 'RequestId'));
  if (CLOCK_SKEW.has(code) && answer.date) {
    const offset = Date.parse(answer.date) - Date.now();
    if (Number.isFinite(offset) && Math.abs(offset) >= 5 * 60_000 && Math.abs(offset - clockOffsetMs) >= 5 * 60_000) {
      clockOffsetMs = offset;
      error.$metadata.clockSkewCorrected = true;
    }
  }
  return error;
}

/** Sends the call (retrying as `retry` decides) and resolves to the answer's XML; AWS's error answers reject as AwsServiceError. */
export async function queryCall(call: QueryCall): Promise<string> {
  // tells the bundle's code cache (files/codeCache.cts) that this run compiled a refresh's functions
  (globalThis as Record<symbol, unknown>)[Symbol.for('rolegate.codeCache.awsCall')] = true;
  const url = new URL(call.endpoint.url);
  const proxy = await proxyFor(call.endpoint.url);
  let agent: Agent | undefined;
  if (proxy) {
    call.endpoint.proxy = proxy;
    const agents = await proxyAgents(proxy);
    agent = (url.protocol === 'https:' ? agents.httpsAgent : agents.httpAgent) as unknown as Agent;
  }
  // getBuiltinModule, not import(): in the bundle's CommonJS refresh path an import() starts the ES module loader
  const http = (url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http')) as typeof import('node:http');
  const body = queryBody(call.action, call.version, call.params);
  return guarded(call.endpoint, call.limits, call.operation, async () => {
    for (let retries = 0; ; retries++) {
      try {
        const headers = call.credentials
          ? signedHeaders({
              url,
              region: call.region,
              service: call.signingName,
              credentials: call.credentials,
              contentType: 'application/x-www-form-urlencoded',
              body,
              now: new Date(Date.now() + clockOffsetMs),
            })
          : { 'content-type': 'application/x-www-form-urlencoded', host: url.host };
        const answer = await sendOnce(url, { method: 'POST', headers, body }, call.limits, agent, http);
        if (answer.status >= 200 && answer.status < 300) return answer.text;
        throw serviceError(answer);
      } catch (error) {
        const delayMs = call.retry(error, retries);
        if (delayMs === undefined) {
          if (error && typeof error === 'object') {
            const e = error as { $metadata?: Record<string, unknown> };
            e.$metadata = { ...e.$metadata, attempts: retries + 1 };
          }
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  });
}
