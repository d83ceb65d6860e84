// What the repository tracks: sources, not build output. Python bytecode once slipped in
// (assets/demo/__pycache__/, written when the harness imported the demo's launcher) and shipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { projectRoot } from './harness/paths.js';

test('git tracks no Python bytecode and no build output', (t) => {
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: projectRoot, encoding: 'utf8' });
  if (listed.error || listed.status !== 0) return t.skip('not a git checkout');
  const files = listed.stdout.split('\0').filter(Boolean);
  assert.ok(files.includes('package.json'), 'git ls-files lists the repository');
  assert.deepEqual(files.filter((path) => /(^|\/)__pycache__\/|\.py[co]$|^dist(-[^/]*)?\/|^node_modules\//.test(path)), []);
});
