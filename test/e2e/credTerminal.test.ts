import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMoto, type MotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { run } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { createAccount, PASSPHRASE, storeKey, writeStoreLayout } from './credFixture.js';

let moto: MotoServer;
let box: Sandbox | undefined;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto.stop();
  box?.cleanup();
});

test('the MFA prompt opens /dev/tty, so it works while stdout and stderr are captured (as under credential_process)', async (t) => {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed: no pseudo-terminal to test with');
  box = makeSandbox({ endpoint: moto.endpoint, extraEnv: { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE } });
  const account = await createAccount(box);
  await storeKey(box, 'file', account.key);
  writeStoreLayout(box, account, { mfaProcess: false });
  const out = join(box.home, 'out.json');
  const err = join(box.home, 'err.txt');
  // `script` gives the command a pseudo-terminal and types our stdin into it
  const inner = `'${process.execPath}' '${rolegateBin}' credential-process admin > '${out}' 2> '${err}'`;
  const result = await run('script', ['-qefc', inner, '/dev/null'], { env: box.env, input: '123456\n', timeoutMs: 60_000 });
  assert.equal(result.code, 0, `${result.stdout}\n${readFileSync(err, 'utf8')}`);
  assert.match(result.stdout, /MFA code for arn:aws:iam::123456789012:mfa\/admin \(profile admin\)/, 'the question went to the terminal');
  assert.equal(readFileSync(err, 'utf8'), '', 'nothing on the captured stderr');
  assert.match(JSON.parse(readFileSync(out, 'utf8')).AccessKeyId, /^ASIA/);
  const calls = (await moto.requests()).filter((r) => r.action === 'GetSessionToken');
  assert.equal(calls.length, 1);
});
