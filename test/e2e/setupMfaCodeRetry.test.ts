// EnableMFADevice carries two one-time MFA codes. Its answer is lost or refused through a TEST
// STAND-IN for the network fault (test/harness/faultProxy.ts) in front of the strict layer, which
// refuses a code it has seen. Setup must read the device's state (ListMFADevices) before enabling
// again, and enable again only with two new codes, saying why; nothing orphaned.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useMotoServer } from '../harness/moto.js';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy.js';
import { accountListing, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();
let proxy: FaultProxy;
before(async () => {
  proxy = await startFaultProxy((await moto.started()).endpoint);
});
after(() => proxy.close());

async function assertPairedOnce(box: ReturnType<typeof setupSandbox>) {
  const listing = await accountListing(box);
  const admin = listing.users.find((u) => u.name === 'admin')!;
  assert.equal(admin.mfa.length, 1, 'the device is enabled for the user');
  assert.equal(listing.virtualMfa.length, 1, 'no second device');
  assert.equal(admin.keys.length, 1, 'one key');
  assert.deepEqual((await moto.requests()).filter((r) => r.refused), [], 'the strict layer refused nothing: no code was sent twice');
}

test('EnableMFADevice carried out, its answer lost (stand-in: answer-then-500): setup reads the device state and does not send the spent codes again; one run', async () => {
  const box = setupSandbox(proxy.endpoint);
  try {
    proxy.log.length = 0;
    proxy.inject('EnableMFADevice', 'answer-then-500');
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr);
    const actions = proxy.log.map((l) => l.action);
    assert.equal(actions.filter((a) => a === 'EnableMFADevice').length, 1, 'sent once');
    assert.ok(actions.indexOf('ListMFADevices', actions.indexOf('EnableMFADevice')) > 0, 'the device state was read after the lost answer');
    assert.doesNotMatch(result.stdout + result.stderr, /two new codes are needed/);
    await assertPairedOnce(box);
  } finally {
    box.cleanup();
  }
});

test('EnableMFADevice throttled once (stand-in: a throttling answer): AWS carried nothing out, so the same two codes are sent again after a backoff; one run', async () => {
  const box = setupSandbox(proxy.endpoint);
  try {
    proxy.log.length = 0;
    proxy.inject('EnableMFADevice', 'throttle');
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      proxy.log.filter((l) => l.action === 'EnableMFADevice').map((l) => l.fault),
      ['throttle', 'pass'],
      'the throttled request was resent',
    );
    assert.doesNotMatch(result.stdout + result.stderr, /two new codes are needed/);
    await assertPairedOnce(box);
  } finally {
    box.cleanup();
  }
});
