// The STS sender of the refresh paths (no SDK), against real sockets on loopback: its signature is
// the SDK signer's, and its retries, limits and failure words are those of the SDK's STS client
// (clients.test.ts): a closed port, a listener that never answers, 500s, resets, AWS's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { createStsQuery } from './stsQuery.js';
import { signedHeaders } from './signatureV4.js';
import { AwsTransientError } from './networkErrors.js';

const key = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const session = { ...key, accessKeyId: 'ASIAIOSFODNN7EXAMPLE', sessionToken: 'FQoGZXIvYXdzE+token/with=chars' };
const ROLE = { RoleArn: 'arn:aws:iam::123456789012:role/admin', RoleSessionName: 'rolegate-admin', DurationSeconds: 3600 };
const CODE = { SerialNumber: 'arn:aws:iam::123456789012:mfa/admin', TokenCode: '123456', DurationSeconds: 43200 };

class Sha256 {
  private hash;
  constructor(secret?: unknown) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret as Buffer);
  }
  update(data: string | Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

test('the signature is the SDK signer\'s, with and without a session token', async () => {
  const now = new Date('2026-12-07T05:15:00Z');
  for (const credentials of [key, session]) {
    const url = new URL('https://sts.eu-west-1.amazonaws.com/');
    const body = 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin';
    const ours = signedHeaders({ url, region: 'eu-west-1', service: 'sts', credentials, contentType: 'application/x-www-form-urlencoded', body, now });
    const sdk = await new SignatureV4({ service: 'sts', region: 'eu-west-1', credentials, sha256: Sha256 as never, applyChecksum: false }).sign(
      { method: 'POST', protocol: 'https:', hostname: url.hostname, path: '/', query: {}, headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' }, body },
      { signingDate: now },
    );
    assert.equal(ours.authorization, sdk.headers.authorization);
    assert.equal(ours['x-amz-security-token'], credentials === session ? session.sessionToken : undefined);
  }
});

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server | ReturnType<typeof createHttpServer>, sockets: Set<Socket> = new Set()) => {
  for (const s of sockets) s.destroy();
  return new Promise<void>((resolve) => server.close(() => resolve()));
};
async function failure(promise: Promise<unknown>): Promise<AwsTransientError | Error> {
  return promise.then(
    () => assert.fail('the call succeeded'),
    (e: Error) => e,
  );
}

/** A loopback STS that answers each request with `answer(n, params)`. */
async function stsStandIn(answer: (n: number, params: URLSearchParams, request: IncomingMessage, response: ServerResponse) => void) {
  const seen: URLSearchParams[] = [];
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (c: Buffer) => (body += c.toString()));
    request.on('end', () => {
      const params = new URLSearchParams(body);
      seen.push(params);
      answer(seen.length, params, request, response);
    });
  });
  return { endpoint: await listen(server), seen, close: () => close(server) };
}

const xml = (status: number, text: string) => (response: ServerResponse) => response.writeHead(status, { 'content-type': 'text/xml' }).end(text);
const internalFailure = xml(500, '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>x</Message></Error></ErrorResponse>');

test('AssumeRole: the parameters go out signed with the session, the answer is read (entities decoded)', async () => {
  const sts = await stsStandIn((_, params, request, response) => {
    assert.equal(request.headers['x-amz-security-token'], session.sessionToken);
    assert.match(request.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
    assert.equal(params.get('RoleSessionName'), 'rolegate-admin');
    xml(200, '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIANEW</AccessKeyId><SecretAccessKey>s&amp;cret</SecretAccessKey><SessionToken>t&lt;k</SessionToken>' +
      '<Expiration>2026-12-07T06:15:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:rolegate-admin</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/admin/rolegate-admin</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>')(response);
  });
  try {
    const answer = await createStsQuery({ credentials: session, region: 'eu-west-1', env: { AWS_ENDPOINT_URL_STS: sts.endpoint }, purpose: 'refresh' }).assumeRole(ROLE);
    assert.deepEqual(answer.Credentials, { AccessKeyId: 'ASIANEW', SecretAccessKey: 's&cret', SessionToken: 't<k', Expiration: new Date('2026-12-07T06:15:00Z') });
    assert.equal(answer.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/admin/rolegate-admin');
    assert.equal(sts.seen[0]!.get('Action'), 'AssumeRole');
  } finally {
    await sts.close();
  }
});

test('AWS\'s refusal comes back in the SDK\'s shape (name = code), not retried', async () => {
  const sts = await stsStandIn((_, __, ___, response) =>
    xml(403, '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message></Error></ErrorResponse>')(response));
  try {
    const error = (await failure(createStsQuery({ credentials: key, env: { AWS_ENDPOINT_URL: sts.endpoint }, purpose: 'refresh', carriesMfaCode: true }).getSessionToken(CODE))) as Error & { $metadata: { httpStatusCode: number } };
    assert.equal(error.name, 'AccessDenied');
    assert.match(error.message, /^MultiFactorAuthentication failed/);
    assert.equal(error.$metadata.httpStatusCode, 403);
    assert.equal(sts.seen.length, 1);
  } finally {
    await sts.close();
  }
});

test('HTTP 500: AssumeRole with the session is sent again (the refresh\'s 2 attempts); a call carrying an MFA code once', async () => {
  const sts = await stsStandIn((_, __, ___, response) => internalFailure(response));
  try {
    const env = { AWS_ENDPOINT_URL: sts.endpoint };
    const role = await failure(createStsQuery({ credentials: session, env, purpose: 'refresh' }).assumeRole(ROLE));
    assert.ok(role instanceof AwsTransientError);
    assert.equal(role.kind, 'server-error');
    assert.equal(role.message, `sts:AssumeRole failed: ${sts.endpoint} answered with a server error (InternalFailure, HTTP 500) 2 times`);
    const code = await failure(createStsQuery({ credentials: key, env, purpose: 'refresh', carriesMfaCode: true }).getSessionToken(CODE));
    assert.match(code.message, /^sts:GetSessionToken failed: .* answered with a server error \(InternalFailure, HTTP 500\) once$/);
    assert.deepEqual(sts.seen.map((p) => p.get('Action')), ['AssumeRole', 'AssumeRole', 'GetSessionToken']);
  } finally {
    await sts.close();
  }
});

test('a refused connection is resent with the same code (AWS never read it), within the attempts; a known-dead endpoint then fails at once', async () => {
  const server = createServer();
  const endpoint = await listen(server);
  await close(server);
  const error = await failure(createStsQuery({ credentials: key, env: { AWS_ENDPOINT_URL: endpoint }, purpose: 'refresh', carriesMfaCode: true }).getSessionToken(CODE));
  assert.ok(error instanceof AwsTransientError);
  assert.equal(error.kind, 'refused');
  assert.equal((error.cause as { $metadata?: { attempts?: number } }).$metadata?.attempts, 2);
  assert.match(error.message, new RegExp(`^sts:GetSessionToken failed: ${endpoint.replaceAll('.', '\\.')} refused the connection \\(ECONNREFUSED\\)`));
});

test('a listener that never answers: each attempt ends after the request timeout, the failure names it', async () => {
  const sockets = new Set<Socket>();
  const server = createServer((s) => void sockets.add(s));
  const endpoint = await listen(server);
  try {
    const started = Date.now();
    const error = await failure(createStsQuery({ credentials: key, env: { AWS_ENDPOINT_URL: endpoint, ROLEGATE_AWS_REQUEST_TIMEOUT: '0.3' }, purpose: 'refresh', carriesMfaCode: true }).getSessionToken(CODE));
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.ok(error instanceof AwsTransientError);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.message, `sts:GetSessionToken failed: ${endpoint} accepted the connection but did not answer within 0.3 s (1 attempt)`);
  } finally {
    await close(server, sockets);
  }
});

test('a listener that never answers AssumeRole (no code): 2 attempts, as the SDK\'s standard retries', async () => {
  const sockets = new Set<Socket>();
  const server = createServer((s) => void sockets.add(s));
  const endpoint = await listen(server);
  try {
    const error = await failure(createStsQuery({ credentials: session, env: { AWS_ENDPOINT_URL: endpoint, ROLEGATE_AWS_REQUEST_TIMEOUT: '0.3' }, purpose: 'refresh' }).assumeRole(ROLE));
    assert.equal(error.message, `sts:AssumeRole failed: ${endpoint} accepted the connection but did not answer within 0.3 s (2 attempts)`);
    assert.equal(sockets.size, 2);
  } finally {
    await close(server, sockets);
  }
});

test('a connection reset after the request: "dropped", it may have run, and a call carrying a code is not resent', async () => {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('data', () => s.resetAndDestroy());
  });
  const endpoint = await listen(server);
  try {
    const error = await failure(createStsQuery({ credentials: key, env: { AWS_ENDPOINT_URL: endpoint }, purpose: 'refresh', carriesMfaCode: true }).getSessionToken(CODE));
    assert.ok(error instanceof AwsTransientError);
    assert.equal(error.kind, 'reset');
    assert.equal(error.mayHaveRun, true);
    assert.match(error.message, /was dropped before the answer arrived \(ECONNRESET, 1 attempt\)/);
    assert.equal(sockets.size, 1);
  } finally {
    await close(server, sockets);
  }
});

test('the retry decision is pluggable: a caller\'s own decision replaces the default one', async () => {
  const sts = await stsStandIn((n, _, __, response) =>
    n < 3 ? xml(400, '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>')(response) : xml(200, '<GetSessionTokenResponse><GetSessionTokenResult><Credentials><AccessKeyId>ASIA3</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2026-12-07T18:00:00Z</Expiration></Credentials></GetSessionTokenResult></GetSessionTokenResponse>')(response));
  try {
    const decisions: string[] = [];
    const answer = await createStsQuery({
      credentials: key,
      env: { AWS_ENDPOINT_URL: sts.endpoint, AWS_MAX_ATTEMPTS: '3' },
      carriesMfaCode: true,
      retry: (error, retries) => (decisions.push(`${(error as Error).name} ${retries}`), 0),
    }).getSessionToken(CODE);
    assert.equal(answer.Credentials?.AccessKeyId, 'ASIA3');
    assert.deepEqual(decisions, ['Throttling 0', 'Throttling 1']);
  } finally {
    await sts.close();
  }
});
