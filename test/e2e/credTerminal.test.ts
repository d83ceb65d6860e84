import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { credentialProcessAtTerminal, nextCode, useCredAccount, writeStoreLayout, wrongCode, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file' }, (made) => ({ box, account } = made));

test('the MFA prompt opens /dev/tty, so it works while stdout and stderr are captured (as under credential_process)', async (t) => {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed: no pseudo-terminal to test with');
  writeStoreLayout(box, account, { mfaProcess: false });
  const out = join(box.home, 'out.json');
  const err = join(box.home, 'err.txt');
  // `script` gives the command a pseudo-terminal and types our stdin into it
  const inner = `'${process.execPath}' '${rolegateBin}' credential-process admin > '${out}' 2> '${err}'`;
  const result = await run('script', ['-qefc', inner, '/dev/null'], { env: { ...box.env, SHELL: '/bin/sh' }, input: `${await nextCode(account)}\n`, timeoutMs: 60_000 });
  assert.equal(result.code, 0, `${result.stdout}\n${readFileSync(err, 'utf8')}`);
  assert.match(result.stdout, /MFA code for arn:aws:iam::123456789012:mfa\/admin \(profile admin\)/, 'the question went to the terminal');
  assert.equal(readFileSync(err, 'utf8'), '', 'nothing on the captured stderr');
  assert.match(JSON.parse(readFileSync(out, 'utf8')).AccessKeyId, /^ASIA/);
  const calls = (await moto.requests()).filter((r) => r.action === 'GetSessionToken');
  assert.equal(calls.length, 1);
});

/**
 * credential-process admin at a terminal; the codes are typed at the MFA prompts in turn (up to
 * three). The strict AWS layer refuses a wrong code as AWS does.
 */
async function typeCodesAtPrompts(codes: string[]) {
  writeStoreLayout(box, account, { mfaProcess: false });
  const result = await credentialProcessAtTerminal(box.home, box.env, codes);
  const stsCalls = (await moto.requests()).filter((r) => r.action === 'GetSessionToken').length;
  return { ...result, stsCalls };
}

const refusedNote = /rolegate: AWS did not accept that code; wait for the next one\. MFA code for arn:aws:iam::123456789012:mfa\/admin \(profile admin\): /;

test('a code typed at the terminal that AWS refuses is asked for again, and the next one works', { timeout: 60_000 }, async (t) => {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed');
  const result = await typeCodesAtPrompts([await wrongCode(account), await nextCode(account)]);
  assert.equal(result.code, 0, `${result.screen}\n${result.stderr}`);
  assert.match(result.screen, refusedNote);
  assert.match(JSON.parse(result.stdout).AccessKeyId, /^ASIA/);
  assert.equal(result.stsCalls, 2, 'the refused code and the next one');
});

test('three refused codes at the terminal end it: exit 1, the refusal explained, nothing served', { timeout: 60_000 }, async (t) => {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed');
  const wrong = await wrongCode(account);
  const result = await typeCodesAtPrompts([wrong, wrong, wrong]);
  assert.equal(result.code, 1, result.screen);
  assert.equal(result.stsCalls, 3, 'three codes, then it stops');
  assert.equal(result.screen.match(/AWS did not accept that code/g)?.length, 2, 'asked again twice');
  assert.match(result.stderr, /the MFA code was not accepted for arn:aws:iam::123456789012:mfa\/admin/);
  assert.equal(result.stdout, '');
});

test('exec in a terminal: Ctrl-C reaches the command once (not also forwarded), and its exit code comes back', { timeout: 60_000 }, async (t) => {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed');
  writeStoreLayout(box, account);
  // a node program counts every SIGINT it gets (a shell's trap would merge two close ones), then
  // exits with 40 + that count one second after the first (it ends by itself after 20 s anyway)
  const counter = join(box.home, 'count-sigint.cjs');
  writeFileSync(
    counter,
    "let n = 0; process.on('SIGINT', () => { if (n++ === 0) setTimeout(() => process.exit(40 + n), 1000); });\n" +
      "setTimeout(() => process.exit(3), 20000); process.stdout.write('ready\\n');\n",
  );
  // `script` runs this under $SHELL -c, pinned to /bin/sh (fish would not read `$?`). A
  // non-interactive dash dies of the Ctrl-C before it can echo, so the shell traps SIGINT (a trap,
  // unlike an ignore, is not inherited by rolegate).
  const inner = `trap : INT; '${process.execPath}' '${rolegateBin}' exec admin -- '${process.execPath}' '${counter}'; echo "rolegate-exit=$?"`;
  const { spawn } = await import('node:child_process');
  const child = spawn('script', ['-qefc', inner, '/dev/null'], { env: { ...box.env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('ready') && !child.stdin.writableEnded) child.stdin.end('\u0003');
  });
  await new Promise((resolve) => child.once('close', resolve));
  assert.match(out, /rolegate-exit=41/, out);
});

test('an answer at the terminal that is not six digits is asked for again, saying why', { timeout: 60_000 }, async (t) => {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed: no pseudo-terminal to test with');
  writeStoreLayout(box, account, { mfaProcess: false });
  const out = join(box.home, 'out.json');
  const inner = `'${process.execPath}' '${rolegateBin}' credential-process admin > '${out}' 2> /dev/null`;
  const { spawn } = await import('node:child_process');
  const child = spawn('script', ['-qefc', inner, '/dev/null'], { env: { ...box.env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const answers = ['12345', await nextCode(account)];
  let typed = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    const prompts = screen.match(/MFA code for [^\r\n]*: /g)?.length ?? 0;
    if (prompts > typed && typed < answers.length) child.stdin.write(`${answers[typed++]}\n`);
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, screen);
  assert.match(screen, /rolegate: that was 5 digits, and a code has 6; try again\. MFA code for /);
  assert.match(JSON.parse(readFileSync(out, 'utf8')).AccessKeyId, /^ASIA/);
});

for (const [name, key] of [['Ctrl-C', '\u0003'], ['Ctrl-D', '\u0004']] as const) {
  test(`${name} at the MFA prompt ends credential-process: exit 130, a one-line reason on stderr, no stack, nothing served`, { timeout: 60_000 }, async (t) => {
    if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed');
    const result = await typeCodesAtPrompts([key]);
    assert.equal(result.code, 130, `${result.screen}\n${result.stderr}`);
    assert.equal(result.stderr, `rolegate: interrupted (${name}) at the prompt.\n`);
    assert.equal(result.stdout, '');
    assert.equal(result.stsCalls, 0);
  });
}
