/**
 * A small HTTP proxy in front of moto for the audit tests. moto cannot hold some facts audit looks
 * for: the root user's MFA and access keys (GetAccountSummary always answers 0), a root identity
 * (GetCallerIdentity never names root), and keys older than today (the credential report holds
 * creation times, which moto sets to now). The proxy edits exactly those answers, per test.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AccountFacts {
  rootMfaEnabled?: boolean;
  rootAccessKeys?: boolean;
  /** Access key id → ARN GetCallerIdentity should name (e.g. the account root). */
  identities?: Record<string, string>;
  /** User → dates to put in that user's credential-report row (key 1). */
  keyDates?: Record<string, { rotated: Date; lastUsed?: Date }>;
}

export interface AccountProxy {
  endpoint: string;
  facts: AccountFacts;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

function editReport(csv: string, facts: AccountFacts): string {
  const [header, ...rows] = csv.split('\n');
  const names = header!.split(',');
  const col = (name: string) => names.indexOf(name);
  return [
    header,
    ...rows.map((line) => {
      const cells = line.split(',');
      const dates = facts.keyDates?.[cells[0]!];
      if (!dates) return line;
      cells[col('access_key_1_last_rotated')] = iso(dates.rotated);
      cells[col('access_key_1_last_used_date')] = dates.lastUsed ? iso(dates.lastUsed) : 'N/A';
      return cells.join(',');
    }),
  ].join('\n');
}

function rewrite(action: string | undefined, accessKey: string | undefined, body: string, facts: AccountFacts): string {
  if (action === 'GetAccountSummary') {
    const set = (key: string, value: boolean | undefined) => {
      if (value !== undefined) body = body.replace(new RegExp(`(<key>${key}</key><value>)\\d(</value>)`), `$1${value ? 1 : 0}$2`);
    };
    set('AccountMFAEnabled', facts.rootMfaEnabled);
    set('AccountAccessKeysPresent', facts.rootAccessKeys);
  }
  if (action === 'GetCallerIdentity' && accessKey && facts.identities?.[accessKey]) {
    body = body.replace(/<Arn>[^<]*<\/Arn>/, `<Arn>${facts.identities[accessKey]}</Arn>`);
  }
  if (action === 'GetCredentialReport' && facts.keyDates) {
    body = body.replace(/<Content>([^<]*)<\/Content>/, (_, content: string) => {
      const csv = Buffer.from(content, 'base64').toString('utf8');
      return `<Content>${Buffer.from(editReport(csv, facts)).toString('base64')}</Content>`;
    });
  }
  return body;
}

export async function startAccountProxy(target: string, facts: AccountFacts = {}): Promise<AccountProxy> {
  const proxy: AccountProxy = { endpoint: '', facts, close: async () => {} };
  const server: Server = createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (['host', 'connection', 'content-length', 'accept-encoding', 'transfer-encoding', 'expect'].includes(name)) continue;
        if (typeof value === 'string') headers[name] = value;
      }
      const upstream = await fetch(target + (request.url ?? '/'), {
        method: request.method,
        headers,
        ...(body.length && request.method !== 'GET' && request.method !== 'HEAD' ? { body: new Uint8Array(body) } : {}),
      });
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? new URL(request.url ?? '/', 'http://x').searchParams.get('Action') ?? undefined;
      const accessKey = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
      const text = rewrite(action, accessKey, await upstream.text(), proxy.facts);
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/xml' });
      response.end(text);
    } catch (error) {
      response.writeHead(502);
      response.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
