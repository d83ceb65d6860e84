import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

// Run in a session of its own (no /dev/tty), so the notice goes to rolegate's stderr, where the
// test can see it; on a terminal it goes to /dev/tty instead.
test("mfa_process: its stderr (a hardware key's 'touch your key') reaches the person while stdout is read as the code", async () => {
  const script = `
    const { runMfaProcess } = await import(${JSON.stringify(here('./mfaCodeProcess.js'))});
    const code = await runMfaProcess("echo 'touch your key' >&2; sleep 0.2; echo 123456");
    process.stdout.write('code=' + code);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  let noticeBeforeCode: boolean | undefined;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    noticeBeforeCode ??= stdout === '';
  });
  const code = await new Promise((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'code=123456');
  assert.equal(stderr, 'touch your key\n');
  assert.equal(noticeBeforeCode, true, 'shown while the command waits, not after');
});

test('the terminal prompt says why it asks again after an answer that is not six digits', async () => {
  const { notACodeReason } = await import('./mfaCodeTerminal.js');
  assert.equal(notACodeReason(''), 'nothing was entered');
  assert.equal(notACodeReason('12345'), 'that was 5 digits, and a code has 6');
  assert.equal(notACodeReason('123 456'), 'a code is 6 digits only (no spaces or letters)');
});
