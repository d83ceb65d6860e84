import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * Runs `call` in a fresh node process and returns how long that process lived: a timed-out
 * command whose own child still holds the pipes must not keep rolegate alive.
 */
function lifetime(call: string): { ms: number; stdout: string } {
  const script = `
    const { runMfaProcess } = await import(${JSON.stringify(here('./mfaCodeProcess.js'))});
    const { runPairingCommand } = await import(${JSON.stringify(here('./pairingCommand.js'))});
    try { await ${call}; console.log('resolved'); } catch (error) { console.log('rejected: ' + error.message); }`;
  const start = Date.now();
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] });
  return { ms: Date.now() - start, stdout: result.stdout };
}

// `sleep 30; echo` makes the shell fork sleep (rather than exec it), so killing the shell leaves
// sleep holding stdout and stderr.
test('mfa_process: after its timeout rolegate exits, even when the command left a child behind', () => {
  const { ms, stdout } = lifetime(`runMfaProcess('sleep 30; echo 123456', { timeoutMs: 300 })`);
  assert.match(stdout, /rejected: mfa_process did not finish within 1 s/);
  assert.ok(ms < 10_000, `lived ${ms} ms`);
});

test('--mfa-code-command: after its timeout setup fails and exits, even when the command left a child behind', () => {
  const { ms, stdout } = lifetime(`runPairingCommand('--mfa-code-command', 'sleep 30; echo 123456', { env: process.env, timeoutMs: 300 })`);
  assert.match(stdout, /rejected: --mfa-code-command did not finish within 1 s/);
  assert.ok(ms < 10_000, `lived ${ms} ms`);
});
