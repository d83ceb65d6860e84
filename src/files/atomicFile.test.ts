import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanStaleTemporaries, hostTag, isTemporaryName, processStartTime, temporaryPath, writeFileAtomic } from './atomicFile.js';

function inDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-atomic-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('a symlink planted at the target is replaced, not written through; the victim is unchanged', () =>
  inDir(async (dir) => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious', { mode: 0o644 });
    const target = join(dir, 'config.rolegate.bak');
    symlinkSync(victim, target);
    await writeFileAtomic(target, 'backup', { mode: 0o600 });
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.equal(statSync(victim).mode & 0o777, 0o644);
    assert.equal(lstatSync(target).isSymbolicLink(), false);
    assert.equal(readFileSync(target, 'utf8'), 'backup');
    assert.equal(statSync(target).mode & 0o777, 0o600);
  }));

test('temporary names cannot be guessed: links planted for the next 400 pids catch nothing, and no temp is left', () =>
  inDir(async (dir) => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const target = join(dir, 'config');
    // the names older writers used: <file>.<pid>, .<file>.<pid>.tmp, and ours without the random part
    for (let pid = process.pid; pid < process.pid + 400; pid++) {
      for (const name of [`config.${pid}`, `.config.${pid}.tmp`, `.config.rolegate-${hostTag()}-${pid}-${processStartTime(pid) ?? 'x'}.tmp`]) symlinkSync(victim, join(dir, name));
    }
    await writeFileAtomic(target, 'new', { mode: 0o600 });
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.equal(readdirSync(dir).filter(isTemporaryName).length, 0);
    const a = temporaryPath(target);
    assert.notEqual(a, temporaryPath(target));
    assert.match(a, /\/\.config\.rolegate-[0-9a-f]{8}-\d+-(\d+|x)-[0-9a-f]{16}\.tmp$/);
  }));

test('beforeRename can abort: the target is left as it was, and the temporary file removed', () =>
  inDir(async (dir) => {
    const target = join(dir, 'config');
    writeFileSync(target, 'old');
    await assert.rejects(
      writeFileAtomic(target, 'new', {
        mode: 0o600,
        beforeRename: () => {
          throw new Error('lock lost');
        },
      }),
      /lock lost/,
    );
    assert.equal(readFileSync(target, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['config']);
  }));

test("a dead writer's temporary file is cleaned up by the next write; a live writer's and another host's recent one are kept", () =>
  inDir(async (dir) => {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout.trim());
    const tag = hostTag();
    const deadTemp = `.config.rolegate-${tag}-${deadPid}-1-0123456789abcdef.tmp`;
    const reusedTemp = `.config.rolegate-${tag}-${process.pid}-1-0123456789abcdef.tmp`; // our pid, another start time
    const liveTemp = temporaryPath(join(dir, 'config')).split('/').pop()!;
    const foreignTemp = `.config.rolegate-${tag === 'ffffffff' ? 'eeeeeeee' : 'ffffffff'}-1-1-0123456789abcdef.tmp`;
    for (const name of [deadTemp, reusedTemp, liveTemp, foreignTemp]) writeFileSync(join(dir, name), 'partial');
    await cleanStaleTemporaries(dir);
    assert.equal(existsSync(join(dir, deadTemp)), false);
    assert.equal(existsSync(join(dir, reusedTemp)), processStartTime(process.pid) === null, 'a reused pid is told apart by its start time');
    assert.equal(existsSync(join(dir, liveTemp)), true);
    assert.equal(existsSync(join(dir, foreignTemp)), true);
  }));
