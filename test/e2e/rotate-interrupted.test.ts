import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { pendingRotation } from '../../src/rotate/pendingRotation.js';
import { accountView, buildPlainAccount, cliIdentity, listKeys, plainStoredKey, USER_ARN } from './rotateFixture.js';

const moto = useMotoServer();
let box: Sandbox;
beforeEach(async () => {
  box = makeSandbox({ endpoint: moto.endpoint });
});
afterEach(() => box.cleanup());

/** The stored key exists in IAM and is active, and the sandbox's files authenticate as the user (boto3). */
async function assertStoredKeyWorks(): Promise<string> {
  const stored = plainStoredKey(box);
  assert.ok(stored, 'a key is stored');
  const view = await accountView(box);
  assert.ok(view.keys.some((k) => k.AccessKeyId === stored.accessKeyId && k.Status === 'Active'), `stored key active among ${JSON.stringify(view.keys)}`);
  assert.equal(view.arn, USER_ARN);
  return stored.accessKeyId;
}

// Every point where rotate can die: after each step, and between a step's action and its journal entry.
const points: Array<{ point: string; forward: boolean }> = [
  { point: 'started', forward: false },
  { point: 'created-unjournaled', forward: false },
  { point: 'created', forward: false },
  { point: 'proven', forward: false },
  { point: 'stored-unjournaled', forward: true },
  { point: 'stored', forward: true },
  { point: 'deactivated', forward: true },
  { point: 'deleted', forward: true },
];

for (const { point, forward } of points) {
  test(`killed after "${point}": a working key remains, status sees it, the next rotate leaves exactly one`, async () => {
    const { key: old } = await buildPlainAccount(box);
    const killed = await runRolegate(['rotate', '--yes'], { env: { ...box.env, ROLEGATE_TEST_KILL_AFTER_STEP: point } });
    assert.equal(killed.signal, 'SIGKILL', `rotate was not killed: ${killed.code} ${killed.stderr}`);
    const storedAfterKill = await assertStoredKeyWorks();
    assert.equal(storedAfterKill === old.accessKeyId, !forward);

    const pending = await pendingRotation(box.env);
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.profile, 'default');
    assert.equal(pending[0]!.oldAccessKeyId, old.accessKeyId);
    assert.equal(pending[0]!.next, 'rolegate rotate');
    const status = await runRolegate(['status', '--offline'], { env: box.env });
    assert.match(status.stdout, /unfinished key rotation of profile default .*\n  next: rolegate rotate/);
    const statusJson = await runRolegate(['status', '--offline', '--json'], { env: box.env });
    assert.equal(JSON.parse(statusJson.stdout).pendingRotations[0].oldAccessKeyId, old.accessKeyId);

    const rerun = await runRolegate(['rotate', '--yes', '--json'], { env: box.env });
    assert.equal(rerun.code, 0, rerun.stderr);
    const report = JSON.parse(rerun.stdout);
    assert.equal(report.interrupted.outcome, forward ? 'finished' : 'rolled-back');
    assert.equal(report.outcome, forward ? 'finished' : 'rotated');

    // Exactly one key, the stored one, and the real AWS CLI authenticates as the user with the files.
    const final = plainStoredKey(box)!;
    assert.deepEqual(await listKeys(box), [{ AccessKeyId: final.accessKeyId, Status: 'Active' }]);
    assert.notEqual(final.accessKeyId, old.accessKeyId);
    const identity = await cliIdentity(box);
    assert.equal(identity.code, 0, identity.stderr);
    assert.equal(identity.arn, USER_ARN);
    assert.deepEqual(await pendingRotation(box.env), []);
    assert.equal(existsSync(join(box.home, '.config', 'rolegate', 'rotate.json')), false);
  });
}
