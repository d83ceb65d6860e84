// Hung and refused endpoints, for every command that calls AWS. The hung endpoint is a TEST
// STAND-IN (a listener that accepts and never answers, test/harness/faultProxy.ts); a refused one
// is a closed port. Each command must end within its documented bound (README, Timeouts; here
// shortened with ROLEGATE_AWS_REQUEST_TIMEOUT=1, except one run with the real defaults), name the
// endpoint and what happened, and never call it an internal error or a bad key.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { useMotoServer } from '../harness/moto.js';
import { runRolegate } from '../harness/run.js';
import type { Sandbox } from '../harness/sandbox.js';
import { closedPort, startFaultProxy, startSilentListener, type FaultProxy } from '../harness/faultProxy.js';
import { accountListing, BOOTSTRAP_CREDENTIALS, fileBytes } from './setupSupport.js';
import { useCredAccount, type Account } from './credFixture.js';
import { listKeys } from './rotateFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
// ROLEGATE_TEST_SKIP_TOTP_WAIT: a run after one that sent the window's MFA code (the hung
// credential-process) takes the next window's code at once, not after up to 30 s of waiting
useCredAccount(moto, { store: 'file', layout: 'store', extraEnv: { ROLEGATE_TEST_SKIP_TOTP_WAIT: '1' } }, (made) => ({ box, account } = made));

let silent: Awaited<ReturnType<typeof startSilentListener>>;
let proxy: FaultProxy;
before(async () => {
  silent = await startSilentListener();
  proxy = await startFaultProxy((await moto.started()).endpoint);
});
after(async () => {
  await silent.close();
  await proxy.close();
});

const COMMANDS: Record<string, string[]> = {
  'credential-process': ['credential-process', 'admin'],
  setup: ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', '--yes'],
  teardown: ['teardown', '--bootstrap-profile', 'bootstrap', '--yes'],
  rotate: ['rotate', '--yes'],
  verify: ['verify'],
  'audit --account --fail-on low': ['audit', '--account', '--fail-on', 'low'],
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a failed call must leave alone: the account's IAM listing and the files. */
async function snapshot() {
  return { listing: await accountListing(box), config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile) };
}

async function timed(args: string[], env: NodeJS.ProcessEnv) {
  if (!(fileBytes(box.credentialsFile) ?? '').includes('[bootstrap]')) appendFileSync(box.credentialsFile, `\n${BOOTSTRAP_CREDENTIALS}`);
  const started = Date.now();
  const result = await runRolegate(args, { env, timeoutMs: 90_000 });
  return { ...result, ms: Date.now() - started, output: result.stdout + result.stderr };
}

for (const [name, args] of Object.entries(COMMANDS)) {
  test(`${name}: a hung endpoint (accepts, never answers) ends it within the bound, naming the endpoint; a refused one is named as one`, async () => {
    // audit's account checks take the default chain: hand it a key (the SDK would hide a failing credential_process's words)
    const extra = name.startsWith('audit') ? { AWS_ACCESS_KEY_ID: account.key.accessKeyId, AWS_SECRET_ACCESS_KEY: account.key.secretAccessKey } : {};
    if (!(fileBytes(box.credentialsFile) ?? '').includes('[bootstrap]')) appendFileSync(box.credentialsFile, `\n${BOOTSTRAP_CREDENTIALS}`);
    const before = await snapshot();
    const hung = await timed(args, { ...box.env, ...extra, AWS_ENDPOINT_URL: silent.endpoint, ROLEGATE_AWS_REQUEST_TIMEOUT: '1' });
    assert.notEqual(hung.code, 0, hung.output);
    assert.equal(hung.signal, null, 'ended on its own');
    // 3 attempts of 1 s and the SDK's backoff, plus Node's start-up; credential-process's first call,
    // GetSessionToken, carries an MFA code, which AWS may have used up: one attempt
    assert.ok(hung.ms < 15_000, `ended after ${hung.ms} ms`);
    assert.match(hung.output, new RegExp(`${escape(silent.endpoint)} accepted the connection but did not answer within 1 s \\(${name === 'credential-process' ? '1 attempt' : '3 attempts'}\\)`));
    assert.doesNotMatch(hung.output, /unexpected error|key does not work|was refused by AWS/);

    const endpoint = await closedPort();
    const refused = await timed(args, { ...box.env, ...extra, AWS_ENDPOINT_URL: endpoint });
    assert.notEqual(refused.code, 0, refused.output);
    assert.match(refused.output, new RegExp(`${escape(endpoint)} refused the connection \\(ECONNREFUSED\\)`));
    assert.doesNotMatch(refused.output, /unexpected error|key does not work|was refused by AWS|no working credentials/);
    assert.deepEqual(await snapshot(), before, 'nothing changed in IAM or in the files');
  });
}

// DNS, TLS and proxy failures, for every command: named as what they are (never an internal error
// or a bad key), and nothing changed, in IAM or in the files. The unresolvable host uses the
// reserved .invalid domain; the TLS failure is https spoken to the strict layer's plain-HTTP port;
// the proxy is a closed port named by HTTPS_PROXY and HTTP_PROXY.
const KINDS: Record<string, { env: (endpoint: string, refused: string) => NodeJS.ProcessEnv; message: (endpoint: string, refused: string) => RegExp }> = {
  DNS: {
    env: () => ({ AWS_ENDPOINT_URL: 'http://aws.rolegate-test.invalid' }),
    message: () => /the host name of http:\/\/aws\.rolegate-test\.invalid could not be resolved \((ENOTFOUND|EAI_AGAIN)\)/,
  },
  TLS: {
    env: (endpoint) => ({ AWS_ENDPOINT_URL: endpoint.replace(/^http:/, 'https:') }),
    message: (endpoint) => new RegExp(`the TLS connection to ${escape(endpoint.replace(/^http:/, 'https:'))} failed \\(`),
  },
  proxy: {
    env: (_, refused) => ({ HTTPS_PROXY: refused, HTTP_PROXY: refused, NO_PROXY: '', no_proxy: '' }),
    message: (endpoint, refused) => new RegExp(`the proxy ${escape(refused)}/? \\(for ${escape(endpoint)}\\) refused the connection`),
  },
};

for (const [kind, fault] of Object.entries(KINDS)) {
  test(`${kind} failure: every command names it as one, exits non-zero, and changes nothing in IAM or in the files`, async () => {
    if (!(fileBytes(box.credentialsFile) ?? '').includes('[bootstrap]')) appendFileSync(box.credentialsFile, `\n${BOOTSTRAP_CREDENTIALS}`);
    const refused = await closedPort();
    const before = await snapshot();
    for (const [name, args] of Object.entries(COMMANDS)) {
      const extra = name.startsWith('audit') ? { AWS_ACCESS_KEY_ID: account.key.accessKeyId, AWS_SECRET_ACCESS_KEY: account.key.secretAccessKey } : {};
      const result = await timed(args, { ...box.env, ...extra, ...fault.env(moto.endpoint, refused) });
      assert.notEqual(result.code, 0, `${name}: ${result.output}`);
      assert.match(result.output, fault.message(moto.endpoint, refused), name);
      assert.doesNotMatch(result.output, /unexpected error|key does not work|was refused by AWS|no working credentials/, name);
    }
    assert.deepEqual(await snapshot(), before);
  });
}

test('credential-process with the default limits: a hung endpoint ends it in one attempt of 10 s (GetSessionToken carries an MFA code, never resent after AWS may have read it)', async () => {
  const result = await timed(COMMANDS['credential-process']!, { ...box.env, AWS_ENDPOINT_URL: silent.endpoint });
  assert.equal(result.code, 1, result.output);
  // 10 s of waiting plus Node's start-up, which a loaded machine stretches
  assert.ok(result.ms >= 9_500 && result.ms < 30_000, `ended after ${result.ms} ms`);
  assert.match(result.stderr, /sts:GetSessionToken failed: .* did not answer within 10 s \(1 attempt\)/);
});

test('rotate: CreateAccessKey carried out and never answered: rotate ends within its bound; the rerun undoes the lost key and rotates; one key, stored', async () => {
  const env = { ...box.env, AWS_ENDPOINT_URL: proxy.endpoint, ROLEGATE_AWS_REQUEST_TIMEOUT: '4' };
  proxy.inject('CreateAccessKey', 'forward-then-hang');
  const first = await timed(['rotate', '--yes'], env);
  assert.equal(first.code, 1, first.output);
  assert.ok(first.ms < 40_000, `ended after ${first.ms} ms`);
  assert.match(first.stderr, /iam:CreateAccessKey failed: .* did not answer within 4 s \(1 attempt\)/);
  assert.match(first.stderr, /run rolegate rotate again/);
  assert.equal((await listKeys(box)).length, 2, 'the lost answer left a key in IAM');
  const rerun = await timed(['rotate', '--yes', '--json'], env);
  assert.equal(rerun.code, 0, rerun.output);
  const report = JSON.parse(rerun.stdout) as { newAccessKeyId: string; interrupted: { outcome: string } | null };
  assert.equal(report.interrupted?.outcome, 'rolled-back');
  const keys = await listKeys(box);
  assert.deepEqual(keys.map((k) => k.AccessKeyId), [report.newAccessKeyId]);
  assert.notEqual(report.newAccessKeyId, account.key.accessKeyId);
});

for (const fault of ['answer-then-500', 'forward-then-reset'] as const) {
  test(`rotate: CreateAccessKey carried out, its answer lost (${fault}): the lost key is deleted, a new one made; one key, stored`, async () => {
    const env = { ...box.env, AWS_ENDPOINT_URL: proxy.endpoint };
    proxy.log.length = 0;
    proxy.inject('CreateAccessKey', fault);
    const result = await timed(['rotate', '--yes', '--json'], env);
    assert.equal(result.code, 0, result.output);
    assert.match(result.stderr, /the answer to iam:CreateAccessKey was lost .*; deleted the key it had created/);
    const report = JSON.parse(result.stdout) as { newAccessKeyId: string };
    assert.deepEqual((await listKeys(box)).map((k) => k.AccessKeyId), [report.newAccessKeyId]);
    assert.equal(proxy.log.filter((l) => l.action === 'CreateAccessKey').length, 2);
  });
}
