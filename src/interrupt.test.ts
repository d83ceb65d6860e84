// A prompt ended with Ctrl-C or Ctrl-D takes SIGINT's path (interrupt.ts), in a fresh node process
// each time, since that path ends the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const interrupt = JSON.stringify(fileURLToPath(new URL('./interrupt.js', import.meta.url)));

function runScript(body: string): { status: number | null; stdout: string; stderr: string } {
  const script = `const { onInterrupt, finishBeforeInterrupt, interruptedAtPrompt } = await import(${interrupt});\n${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('with a summary registered: the summary, named for the key, and exit 130 at once', () => {
  const result = runScript(`onInterrupt(() => 'WHAT EXISTS'); interruptedAtPrompt('Ctrl-D'); console.log('went on');`);
  assert.equal(result.status, 130);
  assert.equal(result.stderr, '\nrolegate: interrupted (Ctrl-D).\nWHAT EXISTS\n');
  assert.equal(result.stdout, '');
});

test('inside the held window (a new key not yet stored): held until the window closes, then the summary and exit 130', () => {
  const result = runScript(`
    onInterrupt(() => 'WHAT EXISTS');
    await finishBeforeInterrupt('the new key is stored', async () => {
      try { throw interruptedAtPrompt('Ctrl-C'); } catch (error) { console.log('the prompt rejected: ' + error.message); }
      await new Promise((resolve) => setTimeout(resolve, 50));
      console.log('stored');
    });
    console.log('went on after the window');`);
  assert.equal(result.status, 130);
  assert.equal(result.stdout, 'the prompt rejected: interrupted (Ctrl-C) at the prompt\nstored\n');
  assert.match(result.stderr, /^\nrolegate: interrupted \(Ctrl-C\): stopping as soon as the new key is stored, so that no access key is left without a stored copy/);
  assert.match(result.stderr, /\nrolegate: interrupted \(Ctrl-C\)\.\nWHAT EXISTS\n$/);
});

test('without a summary (credential-process, verify): one line, and exit 130 at once (no caller goes on)', () => {
  const result = runScript(`try { interruptedAtPrompt('Ctrl-C'); } catch {} console.log('went on');`);
  assert.equal(result.status, 130);
  assert.equal(result.stderr, 'rolegate: interrupted (Ctrl-C) at the prompt.\n');
  assert.equal(result.stdout, '');
});
