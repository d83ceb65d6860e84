import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialProcessCommand, defaultScriptPath } from './credentialProcessCommand.js';
import { quotePosix } from '../shellQuote.js';
import { isUserError } from '../userError.js';

function withDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-cpc-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How botocore splits credential_process (shlex, POSIX mode). */
function shlexSplit(command: string): string[] {
  const r = spawnSync('python3', ['-c', 'import shlex,sys,json; print(json.dumps(shlex.split(sys.argv[1])))', command], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

/** How a POSIX shell splits it (the JavaScript SDK runs it through one). */
function shSplit(command: string): string[] {
  const r = spawnSync('sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

test('rolegate on PATH that is this very program: the short form', () => {
  withDir((dir) => {
    const script = join(dir, 'pkg', 'main.js');
    mkdirSync(join(dir, 'pkg'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(script, '');
    chmodSync(script, 0o755);
    symlinkSync(script, join(dir, 'bin', 'rolegate'));
    const command = credentialProcessCommand('admin', { env: { PATH: join(dir, 'bin') }, scriptPath: script, platform: 'linux' });
    assert.equal(command, 'rolegate credential-process admin');
  });
});

test('another rolegate on PATH, or none: absolute node and script paths, quoted', () => {
  withDir((dir) => {
    mkdirSync(join(dir, 'bin'));
    const other = join(dir, 'bin', 'rolegate');
    writeFileSync(other, '#!/bin/sh\n');
    chmodSync(other, 0o755);
    const script = join(dir, 'it is mine', "o'brien", 'main.js');
    for (const env of [{ PATH: join(dir, 'bin') }, { PATH: '' }]) {
      const command = credentialProcessCommand('my admin', { env, scriptPath: script, nodePath: '/opt/node 20/bin/node', platform: 'linux' });
      const expected = ['/opt/node 20/bin/node', script, 'credential-process', 'my admin'];
      assert.deepEqual(shlexSplit(command), expected);
      assert.deepEqual(shSplit(command), expected);
    }
  });
});

test('the default points at the compiled CLI entry and runs under the current node', () => {
  const command = credentialProcessCommand('default', { env: { PATH: '' } });
  assert.deepEqual(shlexSplit(command), [process.execPath, defaultScriptPath(), 'credential-process', 'default']);
  assert.match(defaultScriptPath(), /src[/\\]cli[/\\]main\.cjs$/);
});

test('quotePosix leaves plain words alone and quotes the rest', () => {
  assert.equal(quotePosix('admin'), 'admin');
  assert.equal(quotePosix('a b'), "'a b'");
  assert.equal(quotePosix("it's"), "'it'\\''s'");
});

test('on Windows a profile name with " or % is refused (cmd.exe cannot take it quoted); others are double-quoted', () => {
  const where = { platform: 'win32' as const, nodePath: 'C:\\node\\node.exe', scriptPath: 'C:\\rolegate\\main.cjs', env: {} };
  assert.equal(credentialProcessCommand('team admin', where), '"C:\\node\\node.exe" "C:\\rolegate\\main.cjs" credential-process "team admin"');
  for (const name of ['say"hi', '%USERNAME%', 'ends\\']) {
    assert.throws(() => credentialProcessCommand(name, where), (e: unknown) => isUserError(e) && e.exitCode === 2 && /cannot be written into credential_process on Windows/.test(e.message));
  }
});
