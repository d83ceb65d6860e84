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

// What a hostile neighbour plants instead of a file: none of it may block, or be read into memory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync } from 'node:fs';
import { FileRefusedError, LIMITS, readCheckedFile } from './checkedFile.cjs';

function inDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-checked-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const refused = (code: string, pattern: RegExp) => (e: unknown) => e instanceof FileRefusedError && e.code === code && pattern.test(e.message);

test('a FIFO is refused at once, without waiting for a writer (the test would hang otherwise)', { timeout: 5000 }, () => {
  inDir((dir) => {
    const fifo = join(dir, 'role-admin.json');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => readTrustedFile(fifo), refused('ENOTREGULAR', /it is a FIFO/));
    assert.throws(() => readCheckedFile(fifo, { maxBytes: 100 }), refused('ENOTREGULAR', /it is a FIFO/));
  });
});

test('a link to /dev/zero is refused: as a link where links are not followed, as a device where they are', { timeout: 5000 }, () => {
  inDir((dir) => {
    const link = join(dir, 'keys.enc');
    symlinkSync('/dev/zero', link);
    const before = process.memoryUsage().rss;
    assert.throws(() => readTrustedFile(link), refused('ESYMLINK', /symbolic link/));
    assert.throws(() => readCheckedFile(link, { maxBytes: LIMITS.record, private: true }), refused('ENOTREGULAR', /character device/));
    assert.throws(() => readCheckedFile(dir, { maxBytes: LIMITS.record }), refused('ENOTREGULAR', /a folder/));
    assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024, 'no memory was spent on it');
  });
});

test('a file over its kind\'s limit is refused before a byte is read; one within it is read whole', () => {
  inDir((dir) => {
    const big = join(dir, 'config');
    writeFileSync(big, '');
    truncateSync(big, 200 * 1024 * 1024); // sparse: 200 MB by fstat, nothing on disk
    const before = process.memoryUsage().rss;
    assert.throws(() => readCheckedFile(big, { maxBytes: LIMITS.sharedFile }), refused('ETOOBIG', /larger than 8 MiB \(200 MiB\)/));
    assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024);
    const small = join(dir, 'small');
    writeFileSync(small, 'x'.repeat(70_000));
    assert.equal(readCheckedFile(small, { maxBytes: 70_000 })!.length, 70_000);
    assert.throws(() => readCheckedFile(small, { maxBytes: 69_999 }), refused('ETOOBIG', /larger than/));
    mkdirSync(join(dir, 'sub'));
    assert.equal(readCheckedFile(join(dir, 'sub', 'missing'), { maxBytes: 10 }), undefined);
    assert.equal(readCheckedFile(join(small, 'not-a-folder'), { maxBytes: 10 }), undefined);
  });
});
