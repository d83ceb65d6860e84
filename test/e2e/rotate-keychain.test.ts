import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { run } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { credentialProcessCommand } from '../../src/credentials/credentialProcessCommand.js';
import { buildStoreAccount, cliIdentity, listKeys, USER_ARN, type Key } from './rotateFixture.js';

const moto = useMotoServer();
let box: Sandbox | undefined;
after(async () => {
  box?.cleanup();
});

const have = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

test('rotate with the keychain store (Secret Service under dbus-run-session) replaces the key in the keychain', async (t) => {
  if (!have('dbus-run-session') || !have('gnome-keyring-daemon')) {
    return t.skip('dbus-run-session or gnome-keyring-daemon is missing (apt-get install dbus gnome-keyring)');
  }
  box = makeSandbox({ endpoint: moto.endpoint });
  const sandbox = box;
  const keyIn = join(box.home, 'key-in.json');
  const keyOut = join(box.home, 'key-out.json');
  // The keychain lives only inside one D-Bus session, so the key is saved there: handed over in a
  // 0600 file (never argv), and read back the same way after the rotation.
  const { key: old } = await buildStoreAccount(
    box,
    async (key) => writeFileSync(keyIn, JSON.stringify(key), { mode: 0o600 }),
    (profile) => credentialProcessCommand(profile, { env: sandbox.env, scriptPath: rolegateBin }),
  );
  const keyStoreUrl = new URL('../../src/keys/keyStore.js', import.meta.url).href;
  const script = (body: string) => {
    const path = join(sandbox.home, `keychain-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(path, `import { readFileSync, writeFileSync, rmSync } from 'node:fs';\nconst { openKeyStore } = await import(${JSON.stringify(keyStoreUrl)});\nconst store = await openKeyStore('keychain');\n${body}\n`);
    return `"${process.execPath}" "${path}"`;
  };
  const save = script(`await store.save('default', JSON.parse(readFileSync(${JSON.stringify(keyIn)}, 'utf8'))); rmSync(${JSON.stringify(keyIn)});`);
  const load = script(`writeFileSync(${JSON.stringify(keyOut)}, JSON.stringify(await store.load('default')), { mode: 0o600 });`);
  const shell = [
    'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1',
    `${save} || exit 10`,
    `"${process.execPath}" "${rolegateBin}" rotate --yes --json || exit 11`,
    `${load} || exit 12`,
  ].join('\n');
  const result = await run('dbus-run-session', ['--', 'sh', '-c', shell], { env: box.env, timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.stderr);
  const stored = JSON.parse(readFileSync(keyOut, 'utf8')) as Key;
  assert.ok(!result.stdout.includes(stored.secretAccessKey) && !result.stderr.includes(stored.secretAccessKey));
  assert.ok(!result.stdout.includes(old.secretAccessKey) && !result.stderr.includes(old.secretAccessKey));

  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
  assert.equal(report.store, 'keychain');
  assert.equal(report.newAccessKeyId, stored.accessKeyId);
  assert.notEqual(stored.accessKeyId, old.accessKeyId);
  assert.deepEqual(await listKeys(box), [{ AccessKeyId: stored.accessKeyId, Status: 'Active' }]);
  assert.equal((await cliIdentity(box, stored)).arn, USER_ARN);
});
