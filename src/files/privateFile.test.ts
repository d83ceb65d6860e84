import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './privateFile.js';
import { isUserError } from '../userError.js';

function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-private-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('a new folder is created 0700, and a file in it 0600', () =>
  withTemp(async (root) => {
    const path = join(root, 'a', 'b', 'entry.json');
    await writePrivateFile(path, '{"secret":"not really"}');
    assert.equal(statSync(join(root, 'a', 'b')).mode & 0o777, 0o700);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8'), '{"secret":"not really"}');
  }));

test('an existing folder that others can read or write is made private before it is used', () =>
  withTemp(async (root) => {
    const dir = join(root, 'cache');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    await writePrivateFile(join(dir, 'entry.json'), '{}');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  }));

test('a folder that belongs to another user is refused, with the next step', { skip: process.getuid?.() === 0 && 'root may use any folder' }, async () => {
  // / belongs to root: for anyone else it is another user's folder
  await assert.rejects(ensurePrivateDir('/'), (error: unknown) => isUserError(error) && /the folder \/ belongs to another user \(uid 0\)/.test(error.message) && /chown/.test(error.next ?? ''));
});

test("root may use another user's folder (sudo with HOME kept), and closes it if it is open", { skip: process.getuid?.() !== 0 && 'needs root to give a folder to another user' }, () =>
  withTemp(async (root) => {
    const dir = join(root, 'cache');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    chownSync(dir, 4242, 4242);
    await writePrivateFile(join(dir, 'entry.json'), '{}');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(dir).uid, 4242, 'the owner stays');
  }));

test('a folder the person chose (tighten: false) is created 0700 when missing, and otherwise left as it is', () =>
  withTemp(async (root) => {
    const chosen = join(root, 'shared');
    mkdirSync(chosen);
    chmodSync(chosen, 0o755);
    await writePrivateFile(join(chosen, 'keys.enc'), 'x', { tighten: false });
    assert.equal(statSync(chosen).mode & 0o777, 0o755);
    assert.equal(statSync(join(chosen, 'keys.enc')).mode & 0o777, 0o600);
    await writePrivateFile(join(root, 'new', 'keys.enc'), 'x', { tighten: false });
    assert.equal(statSync(join(root, 'new')).mode & 0o777, 0o700);
  }));
