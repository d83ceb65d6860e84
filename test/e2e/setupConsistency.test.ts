// IAM's eventual consistency and throttling, for setup and rotate. The strict layer (strictAws.ts,
// strictConsistency.ts) makes a listing lag a create, as AWS's can; the fault proxy (a TEST
// STAND-IN, test/harness/faultProxy.ts) loses an answer or throttles a call once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useMotoServer } from '../harness/moto.js';
import { makeSandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy.js';
import { accountListing, finalState, setup, setupSandbox } from './setupSupport.js';
import { buildPlainAccount, listKeys, plainStoredKey } from './rotateFixture.js';

const moto = useMotoServer();
let proxy: FaultProxy;
before(async () => {
  proxy = await startFaultProxy((await moto.started()).endpoint);
});
after(() => proxy.close());

test('setup: CreateAccessKey carried out, its answer lost (stand-in: forward-then-reset), the listing lagging 8 s: exactly one key, the stored one, in one run', async () => {
  moto.setConsistency({ listingLagMs: 8_000, newKeyMs: 2_000 });
  const box = setupSandbox(proxy.endpoint);
  try {
    proxy.log.length = 0;
    proxy.inject('CreateAccessKey', 'forward-then-reset');
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /the answer to iam:CreateAccessKey was lost .*; deleted the key it had created .*, whose secret never arrived, and creating another/);
    assert.equal(proxy.log.filter((l) => l.action === 'CreateAccessKey').length, 2);
    // moto itself, without the lag: no key beyond the stored one
    const bare = await accountListing({ ...box, env: { ...box.env, AWS_ENDPOINT_URL: moto.motoEndpoint } });
    const keys = bare.users.find((u) => u.name === 'admin')!.keys;
    assert.equal(keys.length, 1, `keys: ${keys.join(', ')}`);
    const state = await finalState(box);
    assert.equal((state.listing as { users: { name: string; tags: Record<string, string> }[] }).users.find((u) => u.name === 'admin')!.tags['rolegate:pending-access-key'], undefined, 'the progress record was cleared once the listing showed the key');
  } finally {
    box.cleanup();
  }
});

for (const action of ['CreateVirtualMFADevice', 'CreateAccessKey']) {
  test(`setup: a one-off Throttling answer to ${action} (stand-in) is resent after a backoff and succeeds; one run, one key`, async () => {
    const box = setupSandbox(proxy.endpoint);
    try {
      proxy.log.length = 0;
      proxy.inject(action, 'throttle');
      const result = await setup(box);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(proxy.log.filter((l) => l.action === action).map((l) => l.fault), ['throttle', 'pass']);
      await finalState(box);
    } finally {
      box.cleanup();
    }
  });
}

test('rotate: a one-off Throttling answer to CreateAccessKey (stand-in) is resent and succeeds; one key, the stored new one', async () => {
  const box = makeSandbox({ endpoint: proxy.endpoint });
  try {
    const { key: old } = await buildPlainAccount(box);
    proxy.log.length = 0;
    proxy.inject('CreateAccessKey', 'throttle');
    const result = await runRolegate(['rotate', '--yes', '--json'], { env: box.env, timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(proxy.log.filter((l) => l.action === 'CreateAccessKey').map((l) => l.fault), ['throttle', 'pass']);
    const stored = plainStoredKey(box)!;
    assert.notEqual(stored.accessKeyId, old.accessKeyId);
    assert.deepEqual((await listKeys(box)).map((k) => k.AccessKeyId), [stored.accessKeyId]);
  } finally {
    box.cleanup();
  }
});

test('rotate: CreateAccessKey answer lost (stand-in: answer-then-500), the listing lagging 8 s: the lost key is found and deleted; one key, the stored one', async () => {
  const box = makeSandbox({ endpoint: proxy.endpoint });
  try {
    await buildPlainAccount(box);
    moto.setConsistency({ listingLagMs: 8_000 });
    await new Promise((resolve) => setTimeout(resolve, 8_000)); // the account's own key is listed by now
    proxy.log.length = 0;
    proxy.inject('CreateAccessKey', 'answer-then-500');
    const result = await runRolegate(['rotate', '--yes', '--json'], { env: box.env, timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /the answer to iam:CreateAccessKey was lost .*; deleted the key it had created/);
    const stored = plainStoredKey(box)!;
    const bare = await listKeys({ ...box, env: { ...box.env, AWS_ENDPOINT_URL: moto.motoEndpoint } });
    assert.deepEqual(bare.map((k) => k.AccessKeyId), [stored.accessKeyId]);
  } finally {
    box.cleanup();
  }
});
