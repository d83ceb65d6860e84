import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { run } from '../harness/run.js';
import { venvBin } from '../harness/paths.js';
import { createAccount, filesContaining, mfaProcessRuns, writeStoreLayout } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox | undefined;
after(async () => {
  box?.cleanup();
});

const have = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

test('keychain store layout (Secret Service under dbus-run-session): aws and aws --profile admin work, no secret under ~/.aws', async (t) => {
  if (!have('dbus-run-session') || !have('gnome-keyring-daemon')) {
    return t.skip('dbus-run-session or gnome-keyring-daemon is missing (apt-get install dbus gnome-keyring)');
  }
  box = makeSandbox({ endpoint: moto.endpoint, extraEnv: { PATH: `${venvBin}:${process.env.PATH}` } });
  const account = await createAccount(box);
  writeStoreLayout(box, account);
  // The key goes into the keychain from inside the D-Bus session (as `rolegate setup --store
  // keychain` would); the key is handed over in a 0600 file, never on a command line.
  const keyFile = join(box.home, 'key.json');
  writeFileSync(keyFile, JSON.stringify(account.key), { mode: 0o600 });
  const saver = join(box.home, 'save-key.mjs');
  const keyStoreUrl = new URL('../../src/keys/keyStore.js', import.meta.url).href;
  writeFileSync(
    saver,
    `import { readFileSync, rmSync } from 'node:fs';
const { openKeyStore } = await import(${JSON.stringify(keyStoreUrl)});
const store = await openKeyStore('keychain');
await store.save('default', JSON.parse(readFileSync(${JSON.stringify(keyFile)}, 'utf8')));
rmSync(${JSON.stringify(keyFile)});`,
  );
  const script = [
    'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1',
    `"${process.execPath}" "${saver}" || exit 10`,
    'aws sts get-caller-identity --output json || exit 11',
    'aws --profile admin sts get-caller-identity --output json || exit 12',
    'aws --profile admin sts get-caller-identity --output json || exit 13',
  ].join('\n');
  const result = await run('dbus-run-session', ['--', 'sh', '-c', script], { env: box.env, timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.stderr);
  const arns = result.stdout
    .trim()
    .split(/\n(?=\{)/)
    .map((chunk) => JSON.parse(chunk).Arn as string);
  assert.equal(arns.length, 3);
  assert.match(arns[0]!, /:user\//);
  assert.match(arns[1]!, /:assumed-role\/admin\//);
  assert.equal(mfaProcessRuns(account), 1);
  assert.deepEqual(filesContaining(join(box.home, '.aws'), account.key.secretAccessKey), []);
  assert.deepEqual(filesContaining(box.home, account.key.secretAccessKey), [], 'not in the cache nor anywhere else in HOME either');
  const actions = (await moto.requests()).map((r) => r.action);
  assert.equal(actions.filter((a) => a === 'GetSessionToken').length, 1);
});
