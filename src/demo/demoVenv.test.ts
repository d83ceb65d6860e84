import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoVenvPath } from './demoVenv.js';
import { packageRoot } from '../packageRoot.js';
import { assetPath } from './assets.js';

/** Package name (extras dropped) → [version, extras]. */
function pins(file: string): Map<string, [string, string]> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  return new Map(
    lines.map((l) => {
      const [, name, extras, version] = /^([\w-]+)(?:\[([\w,]+)\])?==(\S+)$/.exec(l.trim()) ?? [];
      assert.ok(name && version, `not pinned: ${l}`);
      return [name, [version, extras ?? '']];
    }),
  );
}

test("the demo's emulator and AWS CLI are pinned to the versions the test suite runs against; moto only with the parts the demo uses", () => {
  const demo = pins(assetPath('demo', 'requirements.txt'));
  const suite = pins(join(packageRoot(), 'test', 'requirements.txt'));
  assert.deepEqual([...demo.keys()].sort(), ['awscli', 'flask', 'flask-cors', 'moto']);
  for (const name of ['moto', 'awscli']) assert.equal(demo.get(name)![0], suite.get(name)![0], name);
  assert.equal(demo.get('moto')![1], 'iam,sts,ec2,s3', 'not moto[server], whose extras pull every service');
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
