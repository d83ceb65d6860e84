import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeFromCommand } from './mfaCode.js';
import { totpWindow } from './mfaWindow.js';

const spent = { code: '111111', reason: 'sts:GetSessionToken failed: the endpoint answered with a server error (InternalFailure, HTTP 500) once' };

async function run(options: { usedWindow?: number; spent?: typeof spent; env?: NodeJS.ProcessEnv; command?: string }) {
  const notices: string[] = [];
  const env = { PATH: process.env.PATH, ...options.env };
  const result = await codeFromCommand(options.command ?? 'echo 654321', env, { usedWindow: options.usedWindow, spent: options.spent, label: 'mfa_process', onNotice: (message) => notices.push(message) });
  return { ...result, notices };
}

test('a lost answer is explained even when the window it used has already ended (nothing to wait for): the command runs again for the current window', async () => {
  const now = totpWindow(Date.now());
  const { code, window, notices } = await run({ usedWindow: now - 1, spent });
  assert.equal(code, '654321');
  assert.ok(window >= now);
  assert.deepEqual(notices, [`${spent.reason}; AWS may have used up the MFA code sent with it, and takes each code only once, so a new code is needed: running mfa_process again for the next code`]);
});

test('a lost answer in the window still open: told why, and the code is for the next window (test clock: no wait)', async () => {
  const now = totpWindow(Date.now());
  const { window, notices } = await run({ usedWindow: now, spent, env: { ROLEGATE_TEST_SKIP_TOTP_WAIT: '1' } });
  assert.ok(window > now);
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /so a new code is needed: running mfa_process again for the next code$/);
});

test('a first code, or one for a window not used: no notice', async () => {
  const now = totpWindow(Date.now());
  assert.deepEqual((await run({})).notices, []);
  assert.deepEqual((await run({ usedWindow: now - 1 })).notices, []);
});

test('a command that prints the spent code again is refused, naming the command', async () => {
  const now = totpWindow(Date.now());
  await assert.rejects(run({ usedWindow: now - 1, spent, command: 'echo 111111' }), /mfa_process printed the same MFA code again after its 30 s window had passed/);
});
