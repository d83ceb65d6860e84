import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from './packageRoot.js';

test('packageRoot walks up to the folder whose package.json is rolegate, past other package.json files', () => {
  const root = mkdtempSync(join(tmpdir(), 'rolegate-root-'));
  try {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'rolegate' }));
    mkdirSync(join(root, 'dist', 'bundle', 'cli'), { recursive: true });
    writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
    assert.equal(packageRoot(join(root, 'dist', 'bundle', 'cli', 'chunk-X.js')), root);
    assert.equal(packageRoot(join(root, 'chunk-X.js')), root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('packageRoot finds this checkout from the compiled module, and says so when there is none', () => {
  assert.match(packageRoot(), /./);
  assert.throws(() => packageRoot(join(tmpdir(), 'nowhere', 'x.js')), /package\.json was not found/);
});
