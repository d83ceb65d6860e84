import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMfaProcess } from './mfaCodeProcess.js';
import { runPairingCommand } from './pairingCommand.js';

const env = { ...process.env, ROLEGATE_FILE_PASSPHRASE: 'the key file passphrase' };

test('mfa_process does not receive the key file passphrase', async () => {
  const code = await runMfaProcess('[ -z "${ROLEGATE_FILE_PASSPHRASE+set}" ] && echo 123456 || echo 999999', { env });
  assert.equal(code, '123456');
});

test('--mfa-pair-command and --mfa-code-command do not receive the key file passphrase', async () => {
  const out = await runPairingCommand('--mfa-code-command', 'printf %s "${ROLEGATE_FILE_PASSPHRASE-unset}"', { env });
  assert.equal(out, 'unset');
});

test("a code command gets neither rolegate's AWS credentials nor where the passphrase comes from", async () => {
  const withCredentials = { ...env, AWS_ACCESS_KEY_ID: 'AKIAI44QH8DHBEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', ROLEGATE_FILE_PASSPHRASE_COMMAND: 'pass show x', ROLEGATE_FILE_PASSPHRASE_FD: '3' };
  const out = await runPairingCommand('--mfa-code-command', 'printf %s "${AWS_ACCESS_KEY_ID-}${AWS_SECRET_ACCESS_KEY-}${AWS_SESSION_TOKEN-}${ROLEGATE_FILE_PASSPHRASE_COMMAND-}${ROLEGATE_FILE_PASSPHRASE_FD-}"', { env: withCredentials });
  assert.equal(out, '');
});
