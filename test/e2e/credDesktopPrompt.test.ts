/**
 * The MFA code dialog for callers without a terminal, for real: credential-process runs without a
 * terminal (as an IDE would run it) under an X server of its own (Xvfb), zenity asks, and xdotool
 * types the code into the dialog as a person would. Linux with the Debian packages xvfb, zenity
 * and xdotool (.ci/run installs them); skipped elsewhere.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { sessionCacheFile } from '../../src/files/rolegatePaths.cjs';
import { MFA_SERIAL, nextCode, useCredAccount, writeStoreLayout, type Account } from './credFixture.js';

const have = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const missing = process.platform !== 'linux' ? 'Linux only' : ['Xvfb', 'zenity', 'xdotool'].filter((bin) => !have(bin)).join(', ');
const skip = missing ? `needs ${missing}` : false;

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file' }, (made) => {
  ({ box, account } = made);
  writeStoreLayout(box, account, { mfaProcess: false });
});

let xvfb: ChildProcess | undefined;
let display = '';
before(async () => {
  if (skip) return;
  // -displayfd: Xvfb picks a free display and writes its number on fd 3
  xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '800x600x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  display = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Xvfb did not start in 20 s')), 20_000);
    (xvfb!.stdio[3] as NodeJS.ReadableStream).once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(`:${chunk.toString().trim()}`);
    });
  });
});
after(() => {
  xvfb?.kill('SIGTERM');
});

function xdotool(args: string[]): string {
  return spawnSync('xdotool', args, { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' }).stdout.trim();
}

/** The dialog's window, once it is on screen (bounded: 60 s; zenity under Xvfb on a loaded 2-core CI once took over 30). */
async function dialogWindow(): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const found = xdotool(['search', '--onlyvisible', '--name', '^rolegate$']).split('\n')[0];
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('no rolegate dialog appeared within 60 s');
}

test('credential-process without a terminal asks in a zenity dialog; the code typed there gives working role credentials', { skip }, async () => {
  const running = runRolegate(['credential-process', 'admin'], { env: { ...box.env, DISPLAY: display } });
  const window = await dialogWindow();
  const argv = readFileSync(`/proc/${xdotool(['getwindowpid', window])}/cmdline`, 'utf8').split('\0');
  assert.equal(argv[0], 'zenity');
  const text = argv[argv.indexOf('--text') + 1] ?? '';
  assert.match(text, /MFA code for profile admin/);
  assert.ok(text.includes(MFA_SERIAL), 'the dialog names the MFA device');
  xdotool(['windowfocus', '--sync', window]);
  // a genuine code the strict AWS layer has not seen used (the fixture's source of codes)
  xdotool(['type', '--delay', '20', await nextCode(account)]);
  xdotool(['key', 'Return']);
  const result = await running;
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  const sts = new STSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: out.AccessKeyId, secretAccessKey: out.SecretAccessKey, sessionToken: out.SessionToken } });
  assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '', /:assumed-role\/admin\//);
  assert.ok(existsSync(sessionCacheFile('session-default', box.env)), 'the MFA session is cached: no second dialog today');
});

test('Cancel in the dialog: a clear error, exit 1, nothing on stdout and no cache entry', { skip }, async () => {
  const running = runRolegate(['credential-process', 'admin'], { env: { ...box.env, DISPLAY: display } });
  const window = await dialogWindow();
  xdotool(['windowfocus', '--sync', window]);
  xdotool(['key', 'Escape']);
  const result = await running;
  assert.equal(result.code, 1);
  assert.match(result.stderr, /the MFA code dialog was cancelled/);
  assert.equal(result.stdout, '');
  assert.ok(!existsSync(sessionCacheFile('session-default', box.env)));
  assert.deepEqual((await moto.requests()).filter((r) => r.action === 'GetSessionToken'), [], 'no code reached AWS');
});

test('ROLEGATE_MFA_PROMPT=off: no dialog, the same failure as without a display', { skip }, async () => {
  const result = await runRolegate(['credential-process', 'admin'], { env: { ...box.env, DISPLAY: display, ROLEGATE_MFA_PROMPT: 'off' } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no terminal to ask on, no desktop dialog .* and no mfa_process is set/);
  const unknown = await runRolegate(['credential-process', 'admin'], { env: { ...box.env, DISPLAY: display, ROLEGATE_MFA_PROMPT: 'popup' } });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /ROLEGATE_MFA_PROMPT=popup is not a prompt rolegate knows/);
});

test('rolegate ended by a signal while the dialog is open closes the dialog too', { skip }, async () => {
  const child = spawn(process.execPath, [(await import('../harness/paths.js')).rolegateBin, 'credential-process', 'admin'], {
    env: { ...box.env, DISPLAY: display },
    stdio: 'ignore',
    detached: true,
  });
  const window = await dialogWindow();
  const dialogPid = Number(xdotool(['getwindowpid', window]));
  child.kill('SIGTERM');
  const [, signal] = (await new Promise((resolve) => child.once('close', (...args) => resolve(args)))) as [number | null, string | null];
  assert.equal(signal, 'SIGTERM');
  for (let i = 0; i < 50 && existsSync(`/proc/${dialogPid}`); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(!existsSync(`/proc/${dialogPid}`), 'zenity ended with rolegate');
  assert.ok(!existsSync(sessionCacheFile('session-default', box.env)));
});

test('rolegate_mfa_prompt = off in the profile: no dialog; ROLEGATE_MFA_PROMPT overrides it', { skip }, async () => {
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8').replace('[profile admin]\n', '[profile admin]\nrolegate_mfa_prompt = off\n'));
  const result = await runRolegate(['credential-process', 'admin'], { env: { ...box.env, DISPLAY: display } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no desktop dialog/);
  const running = runRolegate(['credential-process', 'admin'], { env: { ...box.env, DISPLAY: display, ROLEGATE_MFA_PROMPT: 'zenity' } });
  const window = await dialogWindow();
  xdotool(['windowfocus', '--sync', window]);
  xdotool(['key', 'Escape']);
  assert.match((await running).stderr, /the MFA code dialog was cancelled/);
});
