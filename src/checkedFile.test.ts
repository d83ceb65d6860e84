import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrustedFile, FileRefusedError as UntrustedFileError } from './checkedFile.cjs';

const root = process.getuid?.() === 0;

function withFile(mode: number, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-trusted-'));
  try {
    const path = join(dir, 'entry.json');
    writeFileSync(path, '{"ok":true}');
    chmodSync(path, mode);
    fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an own file that only we may write is read; a missing one is undefined', () => {
  withFile(0o600, (path) => assert.equal(readTrustedFile(path), '{"ok":true}'));
  withFile(0o644, (path) => assert.equal(readTrustedFile(path), '{"ok":true}', 'others may read it (the AWS CLI once wrote 0644), not write it'));
  assert.equal(readTrustedFile(join(tmpdir(), 'rolegate-no-such-file.json')), undefined);
});

test('a file that others may write is refused', () => {
  for (const mode of [0o620, 0o602, 0o666]) {
    withFile(mode, (path) => assert.throws(() => readTrustedFile(path), (e: unknown) => e instanceof UntrustedFileError && /other users may write to it/.test(e.message)));
  }
});

test("another user's file is refused, except for root", () => {
  withFile(0o600, (path) => {
    if (root) {
      chownSync(path, 4242, 4242);
      assert.equal(readTrustedFile(path), '{"ok":true}', 'root reads it (sudo with HOME kept)');
    } else {
      // not ours to give away: a file of root's stands in for another user's
      assert.throws(() => readTrustedFile('/etc/hostname'), (e: unknown) => e instanceof UntrustedFileError && /belongs to another user \(uid 0\)/.test(e.message));
    }
  });
});
