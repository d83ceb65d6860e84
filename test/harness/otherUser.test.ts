import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otherUserCannotRun } from './otherUser.js';

// (Node itself must be reachable: CI's second Node lives inside the checkout)
test('another user can run a file in an open folder, and cannot reach one inside a folder closed to others', { skip: otherUserCannotRun([]) }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-otheruser-'));
  try {
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'open.js'), '', { mode: 0o644 });
    assert.equal(otherUserCannotRun([join(dir, 'open.js')]), false);
    chmodSync(dir, 0o700);
    assert.match(otherUserCannotRun([join(dir, 'open.js')]) || '', /cannot reach .*open\.js: a folder on the way is closed to other users/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
