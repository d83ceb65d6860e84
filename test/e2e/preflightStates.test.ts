// The preflight of rotate and import (setup's and teardown's are in setupStates and teardownStates):
// a file that cannot be written, or a key file that the passphrase does not open, stops the command
// before its first change, with every problem named at once; IAM, the files, the key file and
// rotate's journal are left as they were.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { rolegateBin } from '../harness/paths.js';
import { runRolegate, type RunResult } from '../harness/run.js';
import { openKeyStore } from '../../src/keys/keyStore.js';
import { credentialProcessCommand } from '../../src/credentials/credentialProcessCommand.js';
import { buildPlainAccount, buildStoreAccount, listKeys } from './rotateFixture.js';
import { fileBytes, mutations } from './setupSupport.js';

const moto = useMotoServer();
let box: Sandbox;
beforeEach(() => {
  box = makeSandbox({ endpoint: moto.endpoint });
});
afterEach(() => box.cleanup());

const out = (r: RunResult) => r.stdout + r.stderr;
const PASSPHRASE = 'correct horse battery staple (test)';

/** Everything a refused command must leave alone. */
async function snapshot() {
  const dir = join(box.home, '.config', 'rolegate');
  return {
    keys: await listKeys(box),
    config: fileBytes(box.configFile),
    credentials: fileBytes(box.credentialsFile),
    keyFile: fileBytes(join(dir, 'keys.enc')),
    journal: fileBytes(join(dir, 'rotate.json')),
  };
}

test('rotate with a read-only credentials file (plain store): refused before a key is created; IAM, files and journal unchanged', async () => {
  await buildPlainAccount(box);
  chmodSync(box.credentialsFile, 0o444);
  const before = await snapshot();
  await moto.clearRequests();
  const r = await runRolegate(['rotate', '--yes'], { env: box.env });
  assert.equal(r.code, 2, out(r));
  assert.match(r.stderr, /credentials is read-only/);
  assert.match(r.stderr, /chmod u\+w/);
  assert.deepEqual(mutations(await moto.requests()), [], 'no IAM change was even tried');
  assert.deepEqual(await snapshot(), before);
});

test('rotate with the file store and a wrong passphrase: refused before a key is created; IAM and keys.enc unchanged', async () => {
  const env = { ...box.env, ROLEGATE_FILE_PASSPHRASE: PASSPHRASE };
  await buildStoreAccount(box, async (key) => (await openKeyStore('file', { env })).save('default', key), (profile) => credentialProcessCommand(profile, { env, scriptPath: rolegateBin }));
  const before = await snapshot();
  await moto.clearRequests();
  const r = await runRolegate(['rotate', '--yes'], { env: { ...env, ROLEGATE_FILE_PASSPHRASE: 'not the passphrase at all' } });
  assert.notEqual(r.code, 0, out(r));
  assert.match(r.stderr, /wrong passphrase/);
  assert.deepEqual(mutations(await moto.requests()), []);
  assert.deepEqual(await snapshot(), before);
});

test('import with a read-only config and a read-only credentials file: both named at once, exit 2; no key file, files unchanged', async () => {
  await buildPlainAccount(box);
  chmodSync(box.configFile, 0o444);
  chmodSync(box.credentialsFile, 0o444);
  const before = await snapshot();
  const r = await runRolegate(['import', 'default', '--store', 'file'], { env: { ...box.env, ROLEGATE_FILE_PASSPHRASE: PASSPHRASE } });
  assert.equal(r.code, 2, out(r));
  assert.match(r.stderr, /config is read-only/);
  assert.match(r.stderr, /credentials is read-only/);
  assert.deepEqual(await snapshot(), before);
  assert.equal(existsSync(join(box.home, '.config', 'rolegate', 'keys.enc')), false);
});
