/**
 * A STAND-IN for AWS's console federation endpoint (https://signin.aws.amazon.com/federation),
 * which no emulator plays: moto has none. It answers `getSigninToken` only when the request is
 * exactly as AWS documents it ("Enable custom identity broker access to the AWS console"): a GET
 * on /federation whose query holds Action=getSigninToken and Session, optionally SessionDuration
 * (900..43200), and nothing else; Session is JSON with exactly sessionId, sessionKey and
 * sessionToken. `accept` plays AWS's refusal of credentials the console does not take (an MFA
 * session from GetSessionToken): the tests check the credentials against moto. Every request is
 * recorded for the tests to inspect; the token it hands out is random.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface SessionJson {
  sessionId: string;
  sessionKey: string;
  sessionToken: string;
}

export interface FederationRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  session?: SessionJson;
  /** What the stand-in answered: a token, or the HTTP status of a refusal. */
  token?: string;
  status: number;
}

export interface FederationStandIn {
  endpoint: string;
  requests: FederationRequest[];
  close(): Promise<void>;
}

function documentedShape(method: string, path: string, params: URLSearchParams): { session?: SessionJson; problem?: string } {
  if (method !== 'GET') return { problem: `method ${method}` };
  if (path !== '/federation') return { problem: `path ${path}` };
  const keys = [...params.keys()];
  const allowed = ['Action', 'Session', 'SessionDuration'];
  if (keys.some((k) => !allowed.includes(k)) || new Set(keys).size !== keys.length) return { problem: `parameters ${keys.join(',')}` };
  if (params.get('Action') !== 'getSigninToken') return { problem: `Action ${params.get('Action')}` };
  const duration = params.get('SessionDuration');
  if (duration !== null && !(/^\d+$/.test(duration) && Number(duration) >= 900 && Number(duration) <= 43_200)) return { problem: `SessionDuration ${duration}` };
  let session: unknown;
  try {
    session = JSON.parse(params.get('Session') ?? '');
  } catch {
    return { problem: 'Session is not JSON' };
  }
  const s = session as Record<string, unknown>;
  const fields = Object.keys(s ?? {}).sort();
  if (fields.join(',') !== 'sessionId,sessionKey,sessionToken' || fields.some((f) => typeof s[f] !== 'string' || s[f] === '')) return { problem: `Session fields ${fields.join(',')}` };
  return { session: s as unknown as SessionJson };
}

export async function startFederationStandIn(
  options: { hang?: boolean; accept?: (session: SessionJson, params: Record<string, string>) => Promise<boolean> } = {},
): Promise<FederationStandIn> {
  const requests: FederationRequest[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const record: FederationRequest = { method: request.method ?? '', path: url.pathname, params: Object.fromEntries(url.searchParams), status: 0 };
      requests.push(record);
      if (options.hang) return; // never answers: the client's bound must end it
      const { session, problem } = documentedShape(record.method, record.path, url.searchParams);
      record.session = session;
      const accepted = session && (options.accept ? await options.accept(session, record.params) : true);
      if (!accepted) {
        // AWS answers a malformed or refused request with 400 and an HTML page
        record.status = 400;
        response.writeHead(400, { 'content-type': 'text/html' }).end(`<html><body>Bad Request${problem ? '' : ''}</body></html>`);
        return;
      }
      record.token = randomBytes(48).toString('base64url');
      record.status = 200;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ SigninToken: record.token }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}/federation`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
