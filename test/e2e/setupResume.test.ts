// Resumability: setup is SIGKILLed right after each step (and at the two points inside steps where
// a secret exists only in memory), then run again; the final state must equal a clean run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useMotoServer } from '../harness/moto.js';
import { runBoto3 } from '../harness/run.js';
import { accountListing, fileBytes, setup, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();

/** The final state with the one random part (the key id) checked and replaced by a placeholder. */
async function finalState(box: Sandbox) {
  const listing = await accountListing(box);
  const keys = listing.users.flatMap((u) => u.keys);
  assert.equal(keys.length, 1, `exactly one access key: ${keys.join(', ')}`);
  const key = keys[0]!;
  const credentials = fileBytes(box.credentialsFile) ?? '';
  assert.ok(credentials.includes(`aws_access_key_id = ${key}`), 'the stored key is the live key');
  const works = await runBoto3<string>('import boto3, json; print(json.dumps(boto3.client("sts").get_caller_identity()["Arn"]))', { env: box.env });
  assert.equal(works, 'arn:aws:iam::123456789012:user/admin');
  return {
    listing: JSON.parse(JSON.stringify(listing).replaceAll(key, 'KEY')),
    config: fileBytes(box.configFile),
    credentials: credentials.replaceAll(key, 'KEY').replace(/aws_secret_access_key = .*/g, 'aws_secret_access_key = SECRET'),
  };
}

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
