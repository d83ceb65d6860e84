import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathTrustProblems, trustFix } from './pathTrust.js';

const posix = process.platform !== 'win32';

function layout() {
  const root = mkdtempSync(join(tmpdir(), 'path-trust-'));
  const home = join(root, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  const config = join(home, '.aws', 'config');
  writeFileSync(config, '[default]\n', { mode: 0o600 });
  return { root, home, config, env: { HOME: home } };
}

test('a file of yours in folders of yours is trusted; the walk stops at HOME', { skip: !posix }, async () => {
  const { root, config, env } = layout();
  try {
    chmodSync(root, 0o777); // above HOME: not HOME's business
    assert.deepEqual(await pathTrustProblems(config, env), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a group-writable file and a world-writable folder are named, each with chmod go-w', { skip: !posix }, async () => {
  const { root, home, config, env } = layout();
  try {
    chmodSync(config, 0o664);
    chmodSync(join(home, '.aws'), 0o777);
    const problems = await pathTrustProblems(config, env);
    assert.deepEqual(problems.map((p) => [p.path, p.kind]), [[config, 'writable'], [join(home, '.aws'), 'writable']]);
    assert.equal(trustFix(problems[1]!), `chmod go-w ${join(home, '.aws')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('outside HOME: a sticky world-writable folder (like /tmp) passes, a plain one does not; a link is checked where it leads', { skip: !posix }, async () => {
  const { root, home, env } = layout();
  try {
    const sticky = join(root, 'sticky');
    const open = join(root, 'open');
    mkdirSync(sticky);
    mkdirSync(open);
    chmodSync(sticky, 0o1777);
    chmodSync(open, 0o777);
    const inSticky = join(sticky, 'config');
    const inOpen = join(open, 'config');
    writeFileSync(inSticky, '', { mode: 0o600 });
    writeFileSync(inOpen, '', { mode: 0o600 });
    assert.deepEqual(await pathTrustProblems(inSticky, env), []);
    assert.deepEqual((await pathTrustProblems(inOpen, env)).map((p) => p.path), [open]);
    const link = join(home, '.aws', 'linked');
    symlinkSync(inOpen, link);
    assert.deepEqual((await pathTrustProblems(link, env)).map((p) => p.path), [open]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
