import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { leaderFile, waitForLeader } from './refreshLeader.cjs';

function place(): { env: NodeJS.ProcessEnv; file: string; done: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-leader-'));
  const env = { HOME: home, XDG_CACHE_HOME: join(home, 'cache') };
  const file = leaderFile('admin', env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  return { env, file, done: () => rmSync(home, { recursive: true, force: true }) };
}

test("a marker just made and not yet written is a leader starting: the waiter waits for its answer, not the full path", () => {
  const { env, file, done } = place();
  try {
    writeFileSync(file, '', { mode: 0o600 });
    let asked = 0;
    const waits: number[] = [];
    const answer = waitForLeader('admin', env, () => (++asked >= 3 ? 'from the note' : false), { mayLead: false, onWait: (pid) => waits.push(pid) });
    assert.equal(answer, 'from the note');
    assert.deepEqual(waits, [], 'no pid to name while the marker is empty');
  } finally {
    done();
  }
});

test('an empty marker a killed leader left (older than 2 s) is stale: the waiter takes the full path at once, and a leader replaces it', () => {
  const { env, file, done } = place();
  try {
    writeFileSync(file, '', { mode: 0o600 });
    const old = new Date(Date.now() - 10_000);
    utimesSync(file, old, old);
    let asked = 0;
    assert.equal(waitForLeader('admin', env, () => (++asked, false), { mayLead: false }), false);
    assert.equal(asked, 0);
    assert.equal(waitForLeader('admin', env, () => false, { mayLead: true }), false);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid, process.pid, 'this process leads: its marker replaced the empty one');
  } finally {
    done();
  }
});
