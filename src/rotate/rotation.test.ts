import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError } from '../userError.js';
import type { RotationEntry } from '../setups/rotationJournal.js';
import { rotateKey, settleRotation, type AccessKeyInfo, type LongTermKey, type RotationDeps } from './rotation.js';

/** An account, a key store and a journal in memory; `deps()` is one process working on them. */
class World {
  keys = new Map<string, AccessKeyInfo & { secret: string }>();
  stored: LongTermKey | undefined;
  journal: RotationEntry | undefined;
  counter = 0;
  failProof = false;
  logs: string[] = [];

  addKey(status: 'Active' | 'Inactive' = 'Active'): LongTermKey {
    const key = { accessKeyId: `AKIAEXAMPLE${String(++this.counter).padStart(9, '0')}`, secretAccessKey: `secret${this.counter}` };
    this.keys.set(key.accessKeyId, { accessKeyId: key.accessKeyId, status, createDate: new Date(), secret: key.secretAccessKey });
    return key;
  }

  /** The deps of one process; `killAt` makes it die (every later call throws) at that checkpoint. */
  deps(killAt?: string): RotationDeps {
    let dead = false;
    const live = <T>(fn: () => T): T => {
      if (dead) throw new Error('process is dead');
      return fn();
    };
    return {
      iam: {
        listKeys: async () => live(() => [...this.keys.values()].map(({ secret: _s, ...k }) => ({ ...k }))),
        createKey: async () =>
          live(() => {
            if (this.keys.size >= 2) throw new Error('LimitExceeded');
            return this.addKey();
          }),
        setStatus: async (_u, id, status) =>
          live(() => {
            const key = this.keys.get(id);
            if (!key) throw new Error('NoSuchEntity');
            key.status = status;
          }),
        deleteKey: async (_u, id) => live(() => void this.keys.delete(id)),
      },
      prove: async (key) =>
        live(() => {
          if (this.failProof) throw new Error('the new key did not work (test)');
          const known = this.keys.get(key.accessKeyId);
          assert.equal(known?.secret, key.secretAccessKey);
        }),
      loadStored: async () => live(() => this.stored && { ...this.stored }),
      saveStored: async (key) => live(() => void (this.stored = { ...key })),
      journal: {
        read: async () => live(() => this.journal && structuredClone(this.journal)),
        write: async (entry) => live(() => void (this.journal = structuredClone(entry))),
        clear: async () => live(() => void (this.journal = undefined)),
      },
      log: (message) => void this.logs.push(message),
      checkpoint: (name) => {
        if (name === killAt) {
          dead = true;
          throw new Error(`killed at ${name}`);
        }
      },
    };
  }

  /** Exactly one key, the stored one, active. */
  assertOneWorkingKey(): void {
    assert.equal(this.keys.size, 1, `keys: ${[...this.keys.keys()].join(', ')}`);
    const [only] = [...this.keys.values()];
    assert.equal(only!.accessKeyId, this.stored?.accessKeyId);
    assert.equal(only!.secret, this.stored?.secretAccessKey);
    assert.equal(only!.status, 'Active');
  }
}

const options = { profile: 'default', store: 'plain', userName: 'admin', deleteInactive: false };

function setUp(): { world: World; old: LongTermKey } {
  const world = new World();
  const old = world.addKey();
  world.stored = old;
  return { world, old };
}

test('rotation leaves exactly the new key, stored and active, and clears the journal', async () => {
  const { world, old } = setUp();
  const result = await rotateKey(world.deps(), options);
  world.assertOneWorkingKey();
  assert.notEqual(world.stored!.accessKeyId, old.accessKeyId);
  assert.equal(result.oldAccessKeyId, old.accessKeyId);
  assert.equal(result.newAccessKeyId, world.stored!.accessKeyId);
  assert.equal(world.journal, undefined);
});

test('two keys: refused, naming both keys, and nothing changes', async () => {
  const { world, old } = setUp();
  const other = world.addKey('Inactive');
  const before = structuredClone([...world.keys.entries()]);
  await assert.rejects(rotateKey(world.deps(), options), (error) => {
    assert.ok(isUserError(error));
    assert.match(error.message, /two access keys/);
    assert.ok(error.message.includes(old.accessKeyId) && error.message.includes(other.accessKeyId));
    assert.match(error.next ?? '', /--delete-inactive/);
    return true;
  });
  assert.deepEqual([...world.keys.entries()], before);
  assert.equal(world.stored!.accessKeyId, old.accessKeyId);
  assert.equal(world.journal, undefined);
});

test('--delete-inactive deletes the inactive other key, then rotates', async () => {
  const { world, old } = setUp();
  const other = world.addKey('Inactive');
  const result = await rotateKey(world.deps(), { ...options, deleteInactive: true });
  assert.deepEqual(result.deletedInactiveAccessKeyIds, [other.accessKeyId]);
  world.assertOneWorkingKey();
  assert.ok(!world.keys.has(old.accessKeyId));
});

test('--delete-inactive never deletes an active key it did not create', async () => {
  const { world } = setUp();
  const other = world.addKey('Active');
  await assert.rejects(rotateKey(world.deps(), { ...options, deleteInactive: true }), /still has two access keys/);
  assert.equal(world.keys.size, 2);
  assert.ok(world.keys.has(other.accessKeyId));
});

test('a failed proof deletes the new key and keeps the old one', async () => {
  const { world, old } = setUp();
  world.failProof = true;
  await assert.rejects(rotateKey(world.deps(), options), (error) => {
    assert.ok(isUserError(error));
    assert.match(error.message, /did not work/);
    assert.ok(error.message.includes(`old key ${old.accessKeyId} is kept`));
    return true;
  });
  world.assertOneWorkingKey();
  assert.equal(world.stored!.accessKeyId, old.accessKeyId);
  assert.equal(world.journal, undefined);
});

test('a stored key that is not the user\'s is refused', async () => {
  const world = new World();
  world.addKey();
  world.stored = { accessKeyId: 'AKIAOTHEREXAMPLE0000', secretAccessKey: 'x' };
  await assert.rejects(rotateKey(world.deps(), options), /is not one of user admin's access keys/);
  assert.equal(world.keys.size, 1);
});

const killPoints = ['started', 'created-unjournaled', 'created', 'proven', 'stored-unjournaled', 'stored', 'deactivated', 'deleted'];

for (const point of killPoints) {
  test(`killed at ${point}: a working key remains, and settling leaves exactly one`, async () => {
    const { world, old } = setUp();
    await assert.rejects(rotateKey(world.deps(point), options));
    // Still a working key: the stored one exists and is active.
    const stored = world.keys.get(world.stored!.accessKeyId);
    assert.equal(stored?.status, 'Active');
    assert.equal(stored?.secret, world.stored!.secretAccessKey);
    assert.ok(world.journal, 'the journal records the unfinished rotation');

    const settled = await settleRotation(world.deps(), world.journal!);
    world.assertOneWorkingKey();
    assert.equal(world.journal, undefined);
    const forward = ['stored-unjournaled', 'stored', 'deactivated', 'deleted'].includes(point);
    assert.equal(settled.outcome, forward ? 'finished' : 'rolled-back');
    assert.equal(world.stored!.accessKeyId === old.accessKeyId, !forward);
  });
}

test('settling refuses when the store holds neither key, and changes nothing', async () => {
  const { world } = setUp();
  await assert.rejects(rotateKey(world.deps('created'), options));
  world.stored = { accessKeyId: 'AKIAOTHEREXAMPLE0000', secretAccessKey: 'x' };
  const keys = [...world.keys.keys()];
  await assert.rejects(settleRotation(world.deps(), world.journal!), /cannot be settled/);
  assert.deepEqual([...world.keys.keys()], keys);
  assert.ok(world.journal);
});

test('a key that existed before the rotation is never taken for the lost new key', async () => {
  const { world, old } = setUp();
  await assert.rejects(rotateKey(world.deps('created-unjournaled'), options));
  // Someone else's key, made before the rotation started (it is in keysBefore):
  const entry = world.journal!;
  const foreign = [...world.keys.keys()].find((id) => id !== old.accessKeyId)!;
  entry.keysBefore = [old.accessKeyId, foreign];
  const settled = await settleRotation(world.deps(), entry);
  assert.deepEqual(settled.deletedAccessKeyIds, []);
  assert.ok(world.keys.has(foreign));
});
