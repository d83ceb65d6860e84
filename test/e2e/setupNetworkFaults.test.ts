// Lost answers to setup's creates: a TEST STAND-IN (test/harness/faultProxy.ts) in front of moto
// lets each create through and then loses its answer (HTTP 500 after the work, a connection reset
// after it, or no answer at all). Setup, or a rerun, must end with the state of a clean run: one
// key, stored, no duplicate and nothing orphaned.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useMotoServer } from '../harness/moto.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../harness/faultProxy.js';
import { accountListing, finalState, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();
let proxy: FaultProxy;
before(async () => {
  proxy = await startFaultProxy((await moto.started()).endpoint);
});
after(() => proxy.close());


let reference: Awaited<ReturnType<typeof finalState>>;

test('reference: a clean run through the proxy (no fault)', async () => {
  const box = setupSandbox(proxy.endpoint);
  try {
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr);
    reference = await finalState(box);
  } finally {
    box.cleanup();
  }
});

const CREATES = ['CreateUser', 'CreateRole', 'CreateVirtualMFADevice', 'EnableMFADevice', 'CreateAccessKey'];
const LOST: Fault[] = ['answer-then-500', 'forward-then-reset'];

for (const action of CREATES) {
  for (const fault of LOST) {
    test(`${action} carried out, its answer lost (${fault}): setup (or one rerun) ends as a clean run, one key, stored`, async () => {
      assert.ok(reference, 'the reference run passed');
      const box = setupSandbox(proxy.endpoint);
      try {
        proxy.log.length = 0;
        proxy.inject(action, fault);
        const first = await setup(box);
        assert.deepEqual(proxy.log.filter((l) => l.fault !== 'pass'), [{ action, fault }], 'the fault was met once');
        assert.doesNotMatch(first.stderr, /unexpected error/);
        if (first.code !== 0) {
          const rerun = await setup(box);
          assert.equal(rerun.code, 0, first.stderr + rerun.stderr);
        }
        assert.deepEqual(await finalState(box), reference);
        const creates = proxy.log.filter((l) => l.action === action).length;
        assert.ok(creates <= 2, `${action} was sent ${creates} times`);
      } finally {
        box.cleanup();
      }
    });
  }
}

for (const action of ['CreateAccessKey', 'CreateVirtualMFADevice']) {
  test(`${action} carried out and never answered (a silent endpoint): setup ends within its bound naming the endpoint; the rerun deletes what the lost answer made`, async () => {
    assert.ok(reference, 'the reference run passed');
    const box = setupSandbox(proxy.endpoint, { ROLEGATE_AWS_REQUEST_TIMEOUT: '4' });
    try {
      proxy.inject(action, 'forward-then-hang');
      const started = Date.now();
      const first = await setup(box);
      // one attempt of 4 s for the silent create, after the steps before it
      assert.ok(Date.now() - started < 45_000, `ended after ${Date.now() - started} ms`);
      assert.equal(first.code, 1, first.stderr);
      assert.match(first.stderr, new RegExp(`iam:${action} failed: ${proxy.endpoint.replaceAll('.', '\\.')} accepted the connection but did not answer within 4 s \\(1 attempt\\)`));
      assert.match(first.stderr, /setup stopped at /);
      assert.match(first.stderr, /next: .*rolegate setup/);
      const listing = await accountListing(box);
      const admin = listing.users.find((u) => u.name === 'admin')!;
      if (action === 'CreateAccessKey') assert.equal(admin.keys.length, 1, 'the lost answer left a key whose secret nobody has');
      else assert.equal(listing.virtualMfa.length, 1, 'the lost answer left a device whose seed nobody has');
      const rerun = await setup(box);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.deepEqual(await finalState(box), reference);
    } finally {
      box.cleanup();
    }
  });
}
