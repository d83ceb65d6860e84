/**
 * The file store's passphrase from a command (ROLEGATE_FILE_PASSPHRASE_COMMAND) or a file
 * descriptor (ROLEGATE_FILE_PASSPHRASE_FD) as well as the variable; and children get only what is
 * theirs: mfa_process sees neither the passphrase, nor where it comes from, nor the AWS credentials
 * in rolegate's environment, and with the command or the descriptor no process up its chain holds
 * the passphrase in its environment (/proc/PID/environ).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run, runRolegate } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { useCredAccount, mfaProcessRuns, makeExecutable, PASSPHRASE, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

const FOREIGN_KEY = { AWS_ACCESS_KEY_ID: 'AKIAI44QH8DHBEXAMPLE', AWS_SECRET_ACCESS_KEY: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' };

/** mfa_process becomes a wrapper that records its environment and its ancestors' (/proc), then prints the code. */
function recordingMfaProcess(): { own: string; above: string } {
  const dump = join(box.home, 'mfa-env-above.txt');
  const own = join(box.home, 'mfa-env.txt');
  const wrapper = join(box.home, 'mfa-wrapper.sh');
  makeExecutable(
    wrapper,
    `#!/bin/sh\nenv > '${own}'\n: > '${dump}'\np=$PPID\nfor i in 1 2 3 4; do\n  [ -r /proc/$p/environ ] && tr '\\0' '\\n' < /proc/$p/environ >> '${dump}'\n  p=$(awk '{print $4}' /proc/$p/stat 2>/dev/null) || break\n  [ "$p" -gt 1 ] 2>/dev/null || break\ndone\nexec ${account.mfaProcess}\n`,
  );
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8').replace(/^mfa_process = .*$/gm, `mfa_process = ${wrapper}`));
  return { own, above: dump };
}

function withoutPassphrase(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...box.env, ...extra };
  delete env.ROLEGATE_FILE_PASSPHRASE;
  return env;
}

test('ROLEGATE_FILE_PASSPHRASE_COMMAND unlocks the key file; mfa_process sees no passphrase and no AWS credentials, nor does any process above it', async () => {
  const dump = recordingMfaProcess();
  // as a password manager would: the passphrase is in the command's output, not in its text
  const secretFile = join(box.home, 'passphrase');
  writeFileSync(secretFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  const env = withoutPassphrase({ ROLEGATE_FILE_PASSPHRASE_COMMAND: `cat '${secretFile}'`, ...FOREIGN_KEY });
  const result = await runRolegate(['credential-process', 'admin'], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(JSON.parse(result.stdout).AccessKeyId, /^ASIA/);
  assert.equal(mfaProcessRuns(account), 1);
  const above = readFileSync(dump.above, 'utf8');
  assert.ok(above.includes('ROLEGATE_FILE_PASSPHRASE_COMMAND='), 'the walk up the process chain reached rolegate');
  assert.ok(!above.includes(PASSPHRASE), 'the passphrase is in the environment of a process above mfa_process');
  const own = readFileSync(dump.own, 'utf8');
  assert.ok(!own.includes(PASSPHRASE));
  assert.doesNotMatch(own, /^ROLEGATE_FILE_PASSPHRASE/m, 'mfa_process sees where the passphrase comes from');
  assert.doesNotMatch(own, /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)=/m, "mfa_process sees rolegate's AWS credentials");
});

test('ROLEGATE_FILE_PASSPHRASE_FD reads the passphrase from an inherited descriptor', async () => {
  const secretFile = join(box.home, 'passphrase');
  writeFileSync(secretFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  const env = withoutPassphrase({ ROLEGATE_FILE_PASSPHRASE_FD: '3' });
  const result = await run('bash', ['-c', `exec "$0" "$1" credential-process admin 3< "$2"`, process.execPath, rolegateBin, secretFile], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(JSON.parse(result.stdout).AccessKeyId, /^ASIA/);
});

test('a wrong passphrase from the command, a failing command and a descriptor not open each say which source to fix', async () => {
  const wrong = await runRolegate(['credential-process', 'admin'], { env: withoutPassphrase({ ROLEGATE_FILE_PASSPHRASE_COMMAND: 'echo not-the-passphrase' }) });
  assert.equal(wrong.code, 1);
  assert.match(stripVTControlCharacters(wrong.stderr), /could not decrypt .*keys\.enc: wrong passphrase[^]*ROLEGATE_FILE_PASSPHRASE_COMMAND/);
  const failing = await runRolegate(['credential-process', 'admin'], { env: withoutPassphrase({ ROLEGATE_FILE_PASSPHRASE_COMMAND: 'exit 3' }) });
  assert.equal(failing.code, 1);
  assert.match(stripVTControlCharacters(failing.stderr), /ROLEGATE_FILE_PASSPHRASE_COMMAND failed \(exit 3\)/);
  const closed = await runRolegate(['credential-process', 'admin'], { env: withoutPassphrase({ ROLEGATE_FILE_PASSPHRASE_FD: '9' }) });
  assert.equal(closed.code, 1);
  assert.match(stripVTControlCharacters(closed.stderr), /could not read the passphrase from file descriptor 9/);
  assert.equal(mfaProcessRuns(account), 0);
});
