import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoVenvPath } from './demoVenv.js';
import { packageRoot } from '../packageRoot.js';
import { assetPath } from './assets.js';

function pins(file: string): Map<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  return new Map(lines.map((l) => l.split('==') as [string, string]));
}

test("the demo's emulator and AWS CLI are pinned to the versions the test suite runs against", () => {
  const demo = pins(assetPath('demo', 'requirements.txt'));
  const suite = pins(join(packageRoot(), 'test', 'requirements.txt'));
  assert.deepEqual([...demo.keys()].sort(), ['awscli', 'moto[server]']);
  for (const [name, version] of demo) assert.equal(version, suite.get(name), name);
});

test('the environment lives in the cache folder; ROLEGATE_DEMO_VENV overrides it', () => {
  assert.equal(demoVenvPath({ HOME: '/home/ana' }), '/home/ana/.cache/rolegate/demo-venv');
  assert.equal(demoVenvPath({ HOME: '/home/ana', XDG_CACHE_HOME: '/var/cache/ana' }), '/var/cache/ana/rolegate/demo-venv');
  assert.equal(demoVenvPath({ HOME: '/home/ana', ROLEGATE_DEMO_VENV: '/opt/venv' }), '/opt/venv');
});

test("the demo's assets are found beside rolegate's package.json", () => {
  assert.ok(existsSync(assetPath('demo', 'requirements.txt')));
  assert.ok(existsSync(assetPath('demo', 'moto_launcher.py')));
});
