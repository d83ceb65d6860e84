import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { projectRoot, rolegateBin } from '../harness/paths.js';

const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };

test('--version prints the package version; --help lists every command with examples', async () => {
  const box = makeSandbox();
  try {
    const shown = await runRolegate(['--version'], { env: box.env });
    assert.equal(shown.code, 0);
    assert.equal(shown.stdout.trim(), version);
    const help = await runRolegate(['--help'], { env: box.env });
    assert.equal(help.code, 0);
    for (const command of ['setup', 'teardown', 'config', 'profiles', 'env', 'exec', 'terraform', 'credential-process', 'status', 'logout', 'import', 'verify', 'audit', 'rotate']) {
      assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'), `help lists ${command}`);
    }
    assert.match(help.stdout, /Examples:/);
  } finally {
    box.cleanup();
  }
});

test('an unknown command or flag is bad input: exit 2 with a pointer to --help', async () => {
  const box = makeSandbox();
  try {
    const unknown = await runRolegate(['no-such-command'], { env: box.env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--help/);
    const flag = await runRolegate(['profiles', '--no-such-flag'], { env: box.env });
    assert.equal(flag.code, 2);
  } finally {
    box.cleanup();
  }
});

test('a reader that closes the pipe early does not make rolegate crash (EPIPE)', async () => {
  const box = makeSandbox();
  try {
    const child = spawn(process.execPath, [rolegateBin, 'setup', '--help'], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  } finally {
    box.cleanup();
  }
});
