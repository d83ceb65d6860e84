// An MFA code is used once: AWS (and the strict layer) refuse a code already accepted. These tests
// lose the answer to a call carrying a code through a TEST STAND-IN for the network fault
// (test/harness/faultProxy.ts: HTTP 500 after the work was done, or the connection reset after it)
// in front of the strict layer. The call must then be made again with a fresh code (mfa_process run
// again), the person told why, and the strict layer must never see a code twice. A refused
// connection (a closed port) happens before AWS sees the code: the same code may be resent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { useMotoServer } from '../harness/moto.js';
import { runRolegate } from '../harness/run.js';
import type { Sandbox } from '../harness/sandbox.js';
import { closedPort, startFaultProxy, type Fault, type FaultProxy } from '../harness/faultProxy.js';
import { credentialProcessAtTerminal, mfaProcessRuns, nextCode, useCredAccount, writeStoreLayout, type Account } from './credFixture.js';
import { listKeys } from './rotateFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

let proxy: FaultProxy;
before(async () => {
  proxy = await startFaultProxy((await moto.started()).endpoint);
});
after(() => proxy.close());

const env = () => ({ ...box.env, AWS_ENDPOINT_URL: proxy.endpoint, ROLEGATE_TEST_SKIP_TOTP_WAIT: '1' });

async function strictLog(action: string) {
  return (await moto.requests()).filter((r) => r.action === action);
}

// each fault for GetSessionToken; the direct chain's AssumeRole takes the same path, once (each
// case costs a fresh device up to 30 s of waiting for an unused code)
const CASES: { chain: 'session' | 'direct'; action: string; fault: Fault }[] = [
  { chain: 'session', action: 'GetSessionToken', fault: 'answer-then-500' },
  { chain: 'session', action: 'GetSessionToken', fault: 'forward-then-reset' },
  { chain: 'direct', action: 'AssumeRole', fault: 'answer-then-500' },
];

for (const { chain, action, fault } of CASES) {
  test(`${action} with an MFA code, its answer lost after AWS used the code (stand-in: ${fault}): credential-process succeeds with a second, fresh code and says why; no code reused`, async () => {
    if (chain === 'direct') appendFileSync(box.configFile, 'rolegate_role_chain = direct\n');
    proxy.log.length = 0;
    proxy.inject(action, fault);
    const result = await runRolegate(['credential-process', 'admin'], { env: env(), timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(JSON.parse(result.stdout).AccessKeyId, /^ASIA|^[A-Z0-9]{16,}$/);
    assert.deepEqual(proxy.log.filter((l) => l.fault !== 'pass'), [{ action, fault }], 'the fault was met once');
    assert.match(result.stderr, new RegExp(`sts:${action} failed: .*AWS may have used up the MFA code sent with it, and takes each code only once, so a new code is needed: running mfa_process again`));
    assert.equal(mfaProcessRuns(account), 2, 'one fresh code after the lost answer');
    const sent = await strictLog(action);
    const withCode = chain === 'session' ? sent : sent.filter((r) => r.access_key === account.key.accessKeyId);
    assert.equal(withCode.length, 2, 'the call was sent twice, once per code');
    assert.deepEqual((await moto.requests()).filter((r) => r.refused), [], 'the strict layer refused nothing: no code was sent twice');
    assert.equal((await listKeys(box)).length, 1, 'the user still has its one key');
    // the credentials work, and the next call is served from the cache without a code
    const again = await runRolegate(['credential-process', 'admin'], { env: env(), timeoutMs: 60_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(mfaProcessRuns(account), 2);
  });
}

test('GetSessionToken answered with a server error twice (stand-in: answer-then-500): credential-process ends after two codes, never resending one, and names the failure', async () => {
  proxy.log.length = 0;
  proxy.inject('GetSessionToken', 'answer-then-500', 5);
  try {
    const result = await runRolegate(['credential-process', 'default'], { env: env(), timeoutMs: 60_000 });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /sts:GetSessionToken failed: .* answered with a server error \(InternalFailure, HTTP 500\) once/);
    assert.equal(mfaProcessRuns(account), 2, 'two sends (the refresh limit), each with its own code');
    assert.equal(proxy.log.filter((l) => l.action === 'GetSessionToken').length, 2);
    assert.deepEqual((await moto.requests()).filter((r) => r.refused), []);
  } finally {
    proxy.inject('GetSessionToken', 'answer-then-500', 0);
  }
});

test('a refused connection (a closed port) happens before AWS sees the code: no fresh code is asked for, mfa_process runs once', async () => {
  const endpoint = await closedPort();
  const result = await runRolegate(['credential-process', 'default'], { env: { ...env(), AWS_ENDPOINT_URL: endpoint }, timeoutMs: 60_000 });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /refused the connection \(ECONNREFUSED\)/);
  assert.doesNotMatch(result.stderr, /new code is needed/);
  assert.equal(mfaProcessRuns(account), 1);
});

test('at a terminal, GetSessionToken\'s answer lost (stand-in: answer-then-500): the person is told why and asked for a new code; retyping the spent one is not sent', { timeout: 90_000 }, async (t) => {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed: no pseudo-terminal to test with');
  writeStoreLayout(box, account, { mfaProcess: false });
  proxy.log.length = 0;
  proxy.inject('GetSessionToken', 'answer-then-500');
  const first = await nextCode(account);
  const codes = [first, first, await nextCode(account)];
  const { code, screen, stdout, stderr } = await credentialProcessAtTerminal(box.home, env(), codes);
  assert.equal(code, 0, `${screen}\n${stderr}`);
  assert.match(screen, /sts:GetSessionToken failed: .*server error.*AWS may have used up the MFA code sent with it, and takes each code only once, so a new code is needed: wait for the next code\. MFA code for/);
  assert.match(screen, /That is the code already sent; wait until your authenticator shows the next one\. MFA code for/);
  assert.match(JSON.parse(stdout).AccessKeyId, /^ASIA/);
  assert.equal(proxy.log.filter((l) => l.action === 'GetSessionToken').length, 2, 'the retyped spent code was never sent');
  assert.deepEqual((await moto.requests()).filter((r) => r.refused), []);
});

test('rotate: the admin role\'s GetSessionToken answer lost after AWS used the code (stand-in: answer-then-500): rotate gets a fresh code, says why, and rotates; one key, stored', async () => {
  proxy.log.length = 0;
  proxy.inject('GetSessionToken', 'answer-then-500');
  const result = await runRolegate(['rotate', '--yes', '--json'], { env: env(), timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /sts:GetSessionToken failed: .*so a new code is needed: running mfa_process again/);
  assert.equal(mfaProcessRuns(account), 2);
  const report = JSON.parse(result.stdout) as { newAccessKeyId: string };
  assert.notEqual(report.newAccessKeyId, account.key.accessKeyId);
  assert.deepEqual((await listKeys(box)).map((k) => k.AccessKeyId), [report.newAccessKeyId], 'one key, the new one: nothing orphaned');
  assert.deepEqual((await moto.requests()).filter((r) => r.refused), []);
});
