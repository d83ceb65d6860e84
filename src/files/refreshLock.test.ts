import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync, utimesSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, isStale, processStartTime, withLock } from './refreshLock.js';
import { isUserError } from '../userError.js';

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-lock-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('one holder at a time; the second waits until the first releases', async () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'locks', 'x.lock');
    const order: string[] = [];
    const release = await acquireLock(path);
    let waited = false;
    const second = withLock(path, async () => order.push('second'), { onWait: () => (waited = true) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    order.push('first-done');
    await release();
    await second;
    assert.deepEqual(order, ['first-done', 'second']);
    assert.ok(waited);
    assert.equal(existsSync(path), false);
  } finally {
    t.done();
  }
});

test('a lock whose holder is dead, or whose pid was reused, is stale; a live one is not', async () => {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.once('exit', resolve));
  const now = Date.now();
  const base = { host: hostname(), created: now, nonce: 'n' };
  assert.equal(isStale({ ...base, pid: child.pid!, start: null }, now, 600_000), true);
  assert.equal(isStale({ ...base, pid: process.pid, start: processStartTime(process.pid) }, now, 600_000), false);
  if (processStartTime(process.pid) !== null) {
    assert.equal(isStale({ ...base, pid: process.pid, start: 'not-my-start-time' }, now, 600_000), true);
  }
  // a live holder on this host keeps its lock however old it is; only another host's ages out
  assert.equal(isStale({ ...base, pid: process.pid, start: processStartTime(process.pid), created: now - 700_000_000 }, now, 600_000), false);
  assert.equal(isStale({ ...base, host: 'another-host', pid: 1, start: null }, now, 600_000), false);
  assert.equal(isStale({ ...base, host: 'another-host', pid: 1, start: null, created: now - 700_000 }, now, 600_000), true);
});

test('a garbage lock file older than a few seconds is taken over; a live holder past the wait limit is a UserError', async () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'g.lock');
    writeFileSync(path, 'garbage');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const release = await acquireLock(path);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
    await assert.rejects(acquireLock(path, { waitMs: 300 }), (e: unknown) => isUserError(e) && /another rolegate process \(pid \d+\)/.test(e.message));
    await release();
  } finally {
    t.done();
  }
});

test('withLock hands its body a check that throws once the lock was taken over (the key file writes nothing then)', async () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'keys.enc.lock');
    await assert.rejects(
      withLock(path, async (assertHeld) => {
        assertHeld();
        rmSync(path);
        writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), start: processStartTime(process.pid), created: Date.now(), nonce: 'other' }));
        assertHeld();
      }),
      (e: unknown) => isUserError(e) && /was taken over by another process/.test(e.message),
    );
    assert.match(readFileSync(path, 'utf8'), /"nonce":"other"/);
  } finally {
    t.done();
  }
});
