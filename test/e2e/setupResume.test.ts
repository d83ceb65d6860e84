// Resumability: setup is SIGKILLed right after each step (and at the two points inside steps where
// a secret exists only in memory), then run again; the final state must equal a clean run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useMotoServer } from '../harness/moto.js';
import { finalState, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();


let reference: Awaited<ReturnType<typeof finalState>>;

test('reference: an uninterrupted run', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr);
    reference = await finalState(box);
  } finally {
    box.cleanup();
  }
});

const POINTS = [
  'user',
  'read-policy',
  'role',
  'admin-policy',
  'inline-policy',
  'mfa-device:created',
  'mfa-device',
  'access-key:created',
  'access-key',
  'profiles',
  'verify',
  'root-key',
];

for (const point of POINTS) {
  test(`killed after ${point}: a rerun completes with no duplicates and nothing orphaned`, async () => {
    assert.ok(reference, 'the reference run passed');
    const box = setupSandbox(moto.endpoint);
    try {
      const killed = await setup(box, [], { ROLEGATE_TEST_KILL_AFTER_STEP: point });
      assert.equal(killed.signal, 'SIGKILL', `killed at ${point}: ${killed.stderr}`);
      const rerun = await setup(box);
      assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
      assert.deepEqual(await finalState(box), reference);
      const third = await setup(box);
      assert.match(third.stdout, /Nothing changed/);
    } finally {
      box.cleanup();
    }
  });
}
