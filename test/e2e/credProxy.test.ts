// Behind a proxy: rolegate's STS calls go through HTTP(S)_PROXY as the AWS CLI's do, and NO_PROXY
// is honoured. The proxy is a small counting forward proxy in this file, in front of moto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { forwardRequest, useCredAccount } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box } = made));

/** A forward proxy for http:// targets (absolute-form requests) that notes each STS action it carries. */
async function countingProxy(): Promise<{ server: Server; url: string; actions: string[] }> {
  const actions: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      actions.push(new URLSearchParams(body.toString()).get('Action') ?? '?');
      forwardRequest(request, body, request.url!, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, actions };
}

test('HTTP_PROXY carries the STS calls of credential-process (as the AWS CLI honours it)', async () => {
  const proxy = await countingProxy();
  try {
    const result = await runRolegate(['credential-process', 'admin'], { env: { ...box.env, HTTP_PROXY: proxy.url, NO_PROXY: '', no_proxy: '' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(JSON.parse(result.stdout).AccessKeyId, /^ASIA/);
    assert.deepEqual(proxy.actions, ['GetSessionToken', 'AssumeRole']);
  } finally {
    proxy.server.close();
  }
});

test('NO_PROXY naming the endpoint host bypasses the proxy', async () => {
  const proxy = await countingProxy();
  try {
    const result = await runRolegate(['credential-process', 'admin'], { env: { ...box.env, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(proxy.actions, []);
    assert.equal((await moto.requests()).filter((r) => r.action === 'GetSessionToken').length, 1, 'it went straight to moto');
  } finally {
    proxy.server.close();
  }
});
