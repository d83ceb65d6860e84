// The SDK clients' limits and failure words, against real sockets on loopback: a closed port
// (refused), a listener that accepts and never answers (hung), and small servers that answer 500
// or reset the connection (stand-ins for AWS's trouble, which no emulator produces on demand).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ListUsersCommand, CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { callLimits, createStsClient, unsentOnlyRetries } from './clients.js';
import { createIamClient, singleAttemptIamClient } from './iamClient.js';
import { AwsTransientError } from './networkErrors.js';
import { UserError } from '../userError.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'example' };

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeAll(server: Server | ReturnType<typeof createHttpServer>, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function failure(promise: Promise<unknown>): Promise<AwsTransientError> {
  const error = await promise.then(
    () => assert.fail('the call succeeded'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AwsTransientError, `an AwsTransientError, not ${String(error)}`);
  return error;
}

test('the limits: interactive and refresh defaults, overrides in seconds, AWS_MAX_ATTEMPTS, bad values are bad input', () => {
  assert.deepEqual(callLimits({ env: {} }), { connectMs: 5000, requestMs: 15000, attempts: 3 });
  assert.deepEqual(callLimits({ env: {}, purpose: 'refresh' }), { connectMs: 3000, requestMs: 10000, attempts: 2 });
  assert.deepEqual(callLimits({ env: { ROLEGATE_AWS_REQUEST_TIMEOUT: '0.5', AWS_MAX_ATTEMPTS: '4' } }), { connectMs: 500, requestMs: 500, attempts: 4 });
  assert.equal(callLimits({ env: { AWS_MAX_ATTEMPTS: '4' }, maxAttempts: 1 }).attempts, 1);
  assert.throws(() => callLimits({ env: { ROLEGATE_AWS_REQUEST_TIMEOUT: 'soon' } }), (e: unknown) => e instanceof UserError && e.exitCode === 2 && /ROLEGATE_AWS_REQUEST_TIMEOUT=soon/.test(e.message));
  assert.throws(() => callLimits({ env: { AWS_MAX_ATTEMPTS: '0' } }), (e: unknown) => e instanceof UserError && e.exitCode === 2);
});

test('a listener that never answers: the call ends after attempts × the request timeout, names the endpoint; later calls to it fail at once', async () => {
  const sockets = new Set<Socket>();
  const server = createServer((s) => void sockets.add(s));
  const endpoint = await listen(server);
  try {
    const iam = createIamClient({ credentials, env: { AWS_ENDPOINT_URL: endpoint, ROLEGATE_AWS_REQUEST_TIMEOUT: '0.3', AWS_MAX_ATTEMPTS: '2' } });
    const started = Date.now();
    const error = await failure(iam.send(new ListUsersCommand({})));
    const took = Date.now() - started;
    assert.ok(took >= 600 && took < 3000, `took ${took} ms`);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.mayHaveRun, true);
    assert.equal(error.message, `iam:ListUsers failed: ${endpoint} accepted the connection but did not answer within 0.3 s (2 attempts)`);
    const connections = sockets.size;
    const again = Date.now();
    await failure(createIamClient({ credentials, env: { AWS_ENDPOINT_URL: endpoint } }).send(new ListUsersCommand({})));
    assert.ok(Date.now() - again < 200, 'a known silent endpoint is not waited for twice');
    assert.equal(sockets.size, connections, 'no new connection');
  } finally {
    await closeAll(server, sockets);
  }
});

test('a closed port: refused, named as such, nothing may have run', async () => {
  const server = createServer();
  const endpoint = await listen(server);
  await closeAll(server, new Set());
  const error = await failure(createIamClient({ credentials, env: { AWS_ENDPOINT_URL: endpoint } }).send(new ListUsersCommand({})));
  assert.equal(error.kind, 'refused');
  assert.equal(error.mayHaveRun, false);
  assert.match(error.message, new RegExp(`^iam:ListUsers failed: ${endpoint.replaceAll('.', '\\.')} refused the connection \\(ECONNREFUSED\\)`));
  assert.match(error.next ?? '', /AWS_ENDPOINT_URL/);
});

test('HTTP 500 is retried by the SDK for reads, but a create on the single-attempt twin is sent once', async () => {
  const actions: string[] = [];
  const server = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (c: Buffer) => (body += c.toString()));
    request.on('end', () => {
      actions.push(new URLSearchParams(body).get('Action') ?? '?');
      response.writeHead(500, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Code>InternalFailure</Code><Message>x</Message></Error></ErrorResponse>');
    });
  });
  const endpoint = await listen(server);
  try {
    const iam = createIamClient({ credentials, env: { AWS_ENDPOINT_URL: endpoint } });
    const read = await failure(iam.send(new ListUsersCommand({})));
    assert.equal(read.kind, 'server-error');
    assert.match(read.message, /answered with a server error \(InternalFailure, HTTP 500\) 3 times/);
    assert.match(read.next ?? '', /wait a minute/);
    const create = await failure(singleAttemptIamClient(iam).send(new CreateAccessKeyCommand({ UserName: 'u' })));
    assert.equal(create.mayHaveRun, true);
    assert.deepEqual(actions, ['ListUsers', 'ListUsers', 'ListUsers', 'CreateAccessKey']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a connection reset after the request: "dropped", and it may have run', async () => {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('data', () => s.resetAndDestroy());
  });
  const endpoint = await listen(server);
  try {
    const error = await failure(createIamClient({ credentials, env: { AWS_ENDPOINT_URL: endpoint, AWS_MAX_ATTEMPTS: '1' } }).send(new ListUsersCommand({})));
    assert.equal(error.kind, 'reset');
    assert.equal(error.mayHaveRun, true);
    assert.match(error.message, /was dropped before the answer arrived \(ECONNRESET, 1 attempt\)/);
  } finally {
    await closeAll(server, sockets);
  }
});

describe('unsentOnlyRetries (calls carrying a one-time MFA code)', () => {
  const info = (error: object) => ({ error: error as never, errorType: 'TRANSIENT' as const });
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const serverError = Object.assign(new Error('InternalFailure'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });

  test('resends after a failure before AWS read the request, within the attempts', async () => {
    const strategy = unsentOnlyRetries(3);
    const first = await strategy.acquireInitialRetryToken('');
    const second = await strategy.refreshRetryTokenForRetry(first, info(refused));
    assert.equal(second.getRetryCount(), 1);
    const third = await strategy.refreshRetryTokenForRetry(second, info(refused));
    assert.equal(third.getRetryCount(), 2);
    await assert.rejects(strategy.refreshRetryTokenForRetry(third, info(refused)), /ECONNREFUSED/);
  });

  test('never resends after a 5xx or a dropped connection: the code may be spent', async () => {
    const strategy = unsentOnlyRetries(3);
    const first = await strategy.acquireInitialRetryToken('');
    for (const error of [serverError, reset]) await assert.rejects(strategy.refreshRetryTokenForRetry(first, info(error)), (e) => e === error);
  });

  test('resends after throttling (AWS carried nothing out), with a backoff of at least half a second, within the attempts', async () => {
    const strategy = unsentOnlyRetries(2);
    const first = await strategy.acquireInitialRetryToken('');
    const second = await strategy.refreshRetryTokenForRetry(first, info(throttled));
    assert.equal(second.getRetryCount(), 1);
    assert.ok(second.getRetryDelay() >= 500 && second.getRetryDelay() <= 1000, String(second.getRetryDelay()));
    await assert.rejects(strategy.refreshRetryTokenForRetry(second, info(throttled)), (e) => e === throttled);
  });
});

test('a client for calls carrying an MFA code: the SDK resends after a refused connection (same code, never read), and sends once after a 500', async () => {
  const server = createServer();
  const closed = await listen(server);
  await closeAll(server, new Set());
  const send = (endpoint: string) =>
    createStsClient({ credentials, env: { AWS_ENDPOINT_URL: endpoint }, purpose: 'refresh', carriesMfaCode: true }).send(
      new GetSessionTokenCommand({ SerialNumber: 'arn:aws:iam::123456789012:mfa/admin', TokenCode: '123456' }),
    );
  const refused = await failure(send(closed));
  assert.equal(refused.kind, 'refused');
  assert.equal((refused.cause as { $metadata?: { attempts?: number } }).$metadata?.attempts, 2, 'both attempts of a refresh');

  let requests = 0;
  const failing = createHttpServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () => response.writeHead(500, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>'));
  });
  const endpoint = await listen(failing);
  try {
    const error = await failure(send(endpoint));
    assert.equal(error.kind, 'server-error');
    assert.equal(requests, 1, 'the code went out once');
  } finally {
    await closeAll(failing, new Set());
  }
});
