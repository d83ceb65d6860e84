import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireFileLock, type LockOptions } from './fileLock.js';
import { processStartTime } from './atomicFile.js';

const options = (waitMs: number, extra: Partial<LockOptions> = {}): LockOptions => ({
  waitMs,
  staleAfterMs: 60_000,
  busyError: (pid) => new Error(`busy ${pid}`),
  lostError: () => new Error('lost'),
  ...extra,
});

function inDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-filelock-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const lockOf = (pid: number, extra: object = {}) => JSON.stringify({ pid, host: hostname(), start: processStartTime(pid), created: Date.now(), nonce: `n-${pid}`, ...extra });

test('a live holder keeps its lock however old it is: the waiter gives up, the lock is untouched', () =>
  inDir(async (dir) => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const path = join(dir, 'config.rolegate.lock');
      const text = lockOf(holder.pid!, { created: Date.now() - 86_400_000 }); // a day: a suspended laptop
      writeFileSync(path, text);
      const old = new Date(Date.now() - 86_400_000);
      utimesSync(path, old, old);
      await assert.rejects(acquireFileLock(path, options(400)), new RegExp(`busy ${holder.pid}`));
      assert.equal(readFileSync(path, 'utf8'), text);
    } finally {
      holder.kill();
    }
  }));

test("a dead holder's lock, or a reused pid's, is taken over at once, without waiting", () =>
  inDir(async (dir) => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
    const path = join(dir, 'x.lock');
    for (const text of [lockOf(dead), lockOf(process.pid, { start: 'another-start', nonce: 'reused' })]) {
      if (text.includes('reused') && processStartTime(process.pid) === null) continue; // no /proc here
      writeFileSync(path, text);
      let waited = false;
      const lock = await acquireFileLock(path, options(60_000, { onWait: () => (waited = true) }));
      assert.equal(waited, false);
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
      await lock.release();
      assert.equal(existsSync(path), false);
    }
    assert.deepEqual(readdirSync(dir), [], 'nothing left beside it');
  }));

test('a holder whose lock was taken over learns it before writing, and its release leaves the new holder alone', () =>
  inDir(async (dir) => {
    const path = join(dir, 'x.lock');
    const lock = await acquireFileLock(path, options(1000));
    lock.assertHeld();
    const other = lockOf(process.pid, { nonce: 'the-other-holder' });
    rmSync(path);
    writeFileSync(path, other);
    assert.throws(() => lock.assertHeld(), /lost/);
    await lock.release();
    assert.equal(readFileSync(path, 'utf8'), other);
  }));

test("a symlink planted at the lock path is never written through; an older version's folder lock is honoured until stale", () =>
  inDir(async (dir) => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const path = join(dir, 'config.rolegate.lock');
    symlinkSync(victim, path);
    const lock = await acquireFileLock(path, options(5000));
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.equal(lstatSync(path).isSymbolicLink(), false);
    await lock.release();

    mkdirSync(path); // proper-lockfile's lock: a folder whose mtime its holder refreshes
    await assert.rejects(acquireFileLock(path, options(300)), /busy/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    await (await acquireFileLock(path, options(300))).release();
    assert.equal(existsSync(path), false);
  }));

test('two processes racing for a lock: one holds it at a time', () =>
  inDir(async (dir) => {
    const path = join(dir, 'x.lock');
    const log = join(dir, 'log');
    writeFileSync(log, '');
    const script = `
      const { acquireFileLock } = await import(${JSON.stringify(new URL('./fileLock.js', import.meta.url).href)});
      const { appendFileSync } = await import('node:fs');
      for (let i = 0; i < 20; i++) {
        const lock = await acquireFileLock(${JSON.stringify(path)}, { waitMs: 20000, staleAfterMs: 60000, busyError: () => new Error('busy'), lostError: () => new Error('lost') });
        appendFileSync(${JSON.stringify(log)}, 'in\\n');
        await new Promise((r) => setTimeout(r, 2));
        lock.assertHeld();
        appendFileSync(${JSON.stringify(log)}, 'out\\n');
        await lock.release();
      }`;
    const runs = [0, 1, 2].map(
      () =>
        new Promise<number>((resolve) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
          child.once('exit', (code) => resolve(code ?? 1));
        }),
    );
    assert.deepEqual(await Promise.all(runs), [0, 0, 0]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(lines.length, 120);
    for (let i = 0; i < lines.length; i += 2) assert.deepEqual(lines.slice(i, i + 2), ['in', 'out']);
    assert.deepEqual(readdirSync(dir).sort(), ['log']);
  }));
