import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
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

test('the leader leaves its marker in one step, a link whose target is its pid and time; a second process waits for it, naming the pid', () => {
  const { env, file, done } = place();
  try {
    assert.equal(waitForLeader('admin', env, () => false, { mayLead: true }), false, 'the first to miss leads: the full path');
    assert.ok(lstatSync(file).isSymbolicLink());
    const marker = JSON.parse(readlinkSync(file)) as { pid: number; created: number };
    assert.equal(marker.pid, process.pid);
    assert.ok(Math.abs(Date.now() - marker.created) < 60_000);
    let asked = 0;
    const waits: number[] = [];
    const answer = waitForLeader('admin', env, () => (++asked >= 2 ? 'from the note' : false), { mayLead: true, onWait: (pid) => waits.push(pid) });
    assert.equal(answer, 'from the note');
    assert.deepEqual(waits, [process.pid]);
  } finally {
    done();
  }
});

test('an empty or torn file marker (an older rolegate killed while writing it) is stale at once: no wait, and the next leader replaces it', () => {
  const { env, file, done } = place();
  try {
    for (const text of ['', '{"pid":']) {
      rmSync(file, { force: true });
      writeFileSync(file, text, { mode: 0o600 });
      let asked = 0;
      const started = Date.now();
      assert.equal(waitForLeader('admin', env, () => (++asked, false), { mayLead: false }), false);
      assert.equal(asked, 0);
      assert.ok(Date.now() - started < 1000, 'no wait on a dead writer\'s marker');
      assert.equal(waitForLeader('admin', env, () => false, { mayLead: true }), false);
      assert.equal((JSON.parse(readlinkSync(file)) as { pid: number }).pid, process.pid, 'this process leads: its marker replaced the broken one');
    }
  } finally {
    done();
  }
});
