import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startContainerEndpoint, tokenMatches } from './containerEndpoint.cjs';

const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date('2030-01-01T00:00:00.000Z') };

test('the endpoint answers the token holder in the shape the SDKs read, and refuses everyone else', async () => {
  let asked = 0;
  const endpoint = await startContainerEndpoint({ credentials: async () => (asked++, credentials) });
  try {
    assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+\/rolegate\/[0-9a-f]{32}$/);
    const none = await fetch(endpoint.url);
    const wrong = await fetch(endpoint.url, { headers: { authorization: endpoint.token.slice(0, -1) + 'x' } });
    const otherPath = await fetch(new URL('/rolegate/other', endpoint.url), { headers: { authorization: endpoint.token } });
    assert.deepEqual([none.status, wrong.status, otherPath.status], [403, 403, 404]);
    assert.equal(asked, 0, 'no credentials are even fetched for a refused request');
    const right = await fetch(endpoint.url, { headers: { authorization: endpoint.token } });
    assert.equal(right.status, 200);
    assert.deepEqual(await right.json(), { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', Token: 'token', Expiration: '2030-01-01T00:00:00Z' });
    assert.equal(endpoint.served(), 1);
  } finally {
    await endpoint.close();
  }
  await assert.rejects(fetch(endpoint.url, { headers: { authorization: endpoint.token } }), 'nothing is served once closed');
});

test('clients asking together share one renewal; a failed renewal is a 500 with the reason', async () => {
  let calls = 0;
  let fail = false;
  const endpoint = await startContainerEndpoint({
    credentials: async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (fail) throw new Error('the MFA session expired and there is no terminal');
      return credentials;
    },
  });
  try {
    const headers = { authorization: endpoint.token };
    const answers = await Promise.all([1, 2, 3].map(() => fetch(endpoint.url, { headers })));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
    assert.equal(calls, 1);
    fail = true;
    const failed = await fetch(endpoint.url, { headers });
    assert.equal(failed.status, 500);
    assert.match((await failed.json()).message, /MFA session expired/);
  } finally {
    await endpoint.close();
  }
});

test('token comparison: exact match only, whatever the length', () => {
  assert.equal(tokenMatches('abc', 'abc'), true);
  assert.equal(tokenMatches('abd', 'abc'), false);
  assert.equal(tokenMatches('abcd', 'abc'), false);
  assert.equal(tokenMatches(undefined, 'abc'), false);
});

test('a malformed request is a 400, an endless head is dropped, and each answer closes its connection', async () => {
  const { connect } = await import('node:net');
  const endpoint = await startContainerEndpoint({ credentials: async () => credentials });
  const port = Number(new URL(endpoint.url).port);
  const exchange = (text: string) =>
    new Promise<string>((resolve) => {
      let got = '';
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (got += chunk));
      socket.on('error', () => resolve(got));
      socket.on('close', () => resolve(got));
    });
  try {
    assert.match(await exchange('nonsense\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.equal(await exchange(`GET / HTTP/1.1\r\nx: ${'a'.repeat(20_000)}`), '', 'dropped without an answer');
    const path = new URL(endpoint.url).pathname;
    const ok = await exchange(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${endpoint.token}\r\n\r\n`);
    assert.match(ok, /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n\r\n\{"AccessKeyId":"ASIAEXAMPLE"/);
    assert.equal(endpoint.served(), 1);
  } finally {
    await endpoint.close();
  }
});
