import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearRotation, journalPath, pendingRotation, readRotation, writeRotation, type RotationEntry } from './rotationJournal.js';
import { acquireRotationLock, rotationLockPath } from '../rotate/rotationLock.js';
import { processStartTime } from '../files/refreshLock.js';

function sandbox(): { env: NodeJS.ProcessEnv; home: string; done(): void } {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-journal-'));
  return { env: { HOME: home }, home, done: () => rmSync(home, { recursive: true, force: true }) };
}

const entry = (profile: string): RotationEntry => ({
  profile,
  store: 'plain',
  userName: 'admin',
  oldAccessKeyId: 'AKIAOLDEXAMPLE000001',
  newAccessKeyId: 'AKIANEWEXAMPLE000002',
  keysBefore: ['AKIAOLDEXAMPLE000001'],
  step: 'proven',
  startedAt: '2026-11-24T05:00:00.000Z',
  updatedAt: '2026-11-24T05:00:00.000Z',
});

test('the journal lives in ~/.config/rolegate/rotate.json, mode 0600, one entry per profile', async () => {
  const box = sandbox();
  try {
    assert.equal(journalPath(box.env), join(box.home, '.config', 'rolegate', 'rotate.json'));
    assert.deepEqual(await pendingRotation(box.env), []);
    await writeRotation(entry('default'), box.env);
    await writeRotation(entry('work'), box.env);
    assert.equal(statSync(journalPath(box.env)).mode & 0o777, 0o600);
    assert.equal(statSync(join(box.home, '.config', 'rolegate')).mode & 0o777, 0o700);
    assert.equal((await readRotation('default', box.env))?.step, 'proven');
    const pending = await pendingRotation(box.env);
    assert.deepEqual(pending.map((p) => [p.profile, p.next]), [['default', 'rolegate rotate'], ['work', 'rolegate rotate work']]);
    await clearRotation('default', box.env);
    assert.equal(await readRotation('default', box.env), undefined);
    await clearRotation('work', box.env);
    assert.equal(existsSync(journalPath(box.env)), false, 'an empty journal is removed');
  } finally {
    box.done();
  }
});

test('XDG_CONFIG_HOME is honoured; a relative one is ignored', async () => {
  const box = sandbox();
  try {
    const xdg = join(box.home, 'xdg');
    assert.equal(journalPath({ ...box.env, XDG_CONFIG_HOME: xdg }), join(xdg, 'rolegate', 'rotate.json'));
    assert.equal(journalPath({ ...box.env, XDG_CONFIG_HOME: 'relative' }), join(box.home, '.config', 'rolegate', 'rotate.json'));
  } finally {
    box.done();
  }
});

test('the journal holds no secret key', async () => {
  const box = sandbox();
  try {
    await writeRotation(entry('default'), box.env);
    const text = readFileSync(journalPath(box.env), 'utf8');
    assert.doesNotMatch(text, /secret/i);
  } finally {
    box.done();
  }
});

test('pendingRotation reports an unreadable journal instead of throwing', async () => {
  const box = sandbox();
  try {
    mkdirSync(join(box.home, '.config', 'rolegate'), { recursive: true });
    writeFileSync(journalPath(box.env), '{ not json');
    const pending = await pendingRotation(box.env);
    assert.equal(pending.length, 1);
    assert.match(pending[0]!.next, /inspect .*rotate\.json/);
  } finally {
    box.done();
  }
});

test('the rotation lock: a second rotate is refused at once while the first lives; a dead owner\'s lock is taken over', async () => {
  const box = sandbox();
  try {
    const release = await acquireRotationLock(box.env);
    const lockPath = rotationLockPath(box.env);
    assert.equal(lockPath, join(box.home, '.config', 'rolegate', 'rotate.lock'));
    const holder = (pid: number) =>
      JSON.stringify({ pid, host: hostname(), start: processStartTime(pid), created: Date.now(), nonce: `held-by-${pid}` });
    // Another live process (our parent) holds it: refused without waiting.
    writeFileSync(lockPath, holder(process.ppid));
    await assert.rejects(acquireRotationLock(box.env), new RegExp(`another rolegate rotate is running \\(pid ${process.ppid}\\)`));
    // A pid that cannot be running (beyond pid_max on Linux): the lock is stale and taken over.
    writeFileSync(lockPath, holder(2147483646));
    const again = await acquireRotationLock(box.env);
    assert.equal(JSON.parse(readFileSync(lockPath, 'utf8')).pid, process.pid);
    // The first holder's release does not remove a lock it no longer owns.
    await release();
    assert.equal(existsSync(lockPath), true);
    await again();
    assert.equal(existsSync(lockPath), false);
  } finally {
    box.done();
  }
});
