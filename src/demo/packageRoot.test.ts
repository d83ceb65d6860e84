import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetPath, packageRoot } from './packageRoot.js';

test("the package root holds rolegate's package.json and the demo's assets", () => {
  const root = packageRoot();
  assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name, 'rolegate');
  assert.ok(existsSync(assetPath('demo', 'requirements.txt')));
  assert.ok(existsSync(assetPath('demo', 'moto_launcher.py')));
});

test("another package's package.json on the way up is passed by; none at all is an error", () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-root-'));
  try {
    mkdirSync(join(dir, 'node_modules', 'other', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'rolegate' }));
    writeFileSync(join(dir, 'node_modules', 'other', 'package.json'), JSON.stringify({ name: 'other' }));
    assert.equal(packageRoot(join(dir, 'node_modules', 'other', 'lib')), dir);
    rmSync(join(dir, 'package.json'));
    assert.throws(() => packageRoot(join(dir, 'node_modules', 'other', 'lib')), /package\.json was not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
