// One code per TOTP window per MFA device, across processes. With `mfa_process` on both profiles
// (what `setup --mfa-device yubikey` writes) and the direct chain, `credential-process default`
// spends the code of this window on GetSessionToken; `credential-process admin` right after needs
// AssumeRole with a code, and the authenticator (here one that prints the code of the time, as
// ykman and oathtool do) shows the same one: the strict layer, as AWS, refuses a code twice. The
// rule makes the second wait for the next window. ROLEGATE_TEST_SKIP_TOTP_WAIT lets it ask for that
// window's code at once; the authenticator stand-in moves the tests' TOTP clock there instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { codeStateFile } from '../harness/mfaCodes.js';
import { currentStep, STEP_SECONDS } from '../harness/totp.js';
import { advanceTotpClock, totpNow } from '../harness/totpClock.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { credentialProcessAtTerminal, mfaProcessRuns, MFA_SERIAL, nextCode, useCredAccount, writeStoreLayout, type Account } from './credFixture.js';
import { mfaWindowFile, sessionCacheDir } from '../../src/files/rolegatePaths.cjs';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', extraEnv: { ROLEGATE_TEST_SKIP_TOTP_WAIT: '1' } }, (made) => ({ box, account } = made));

/** Both profiles with an authenticator of the clock (the same code for a whole window), admin on the direct chain. */
function directChainWithClockCodes(): void {
  writeStoreLayout(box, { ...account, mfaProcess: `${account.mfaProcess} clock` });
  appendFileSync(box.configFile, 'rolegate_role_chain = direct\n');
}

/**
 * Moves the tests' TOTP clock past the steps the fixture's pairing used (EnableMFADevice took two),
 * as a person would wait for them: the authenticator of the clock then shows an unused code.
 */
function afterPairingWindows(): void {
  const state = codeStateFile(box.home, readFileSync(account.seedFile, 'utf8'));
  const last = (JSON.parse(readFileSync(state, 'utf8')) as { last: number }).last;
  advanceTotpClock(last + 1 - currentStep(totpNow()));
}

const refused = async () => (await moto.requests()).filter((r) => r.refused);

/**
 * rolegate counts windows on real time, not the tests' clock: two calls meant to share a window must
 * not straddle the end of a real one (then the second finds its window unused and rightly says
 * nothing). Waits for the next real window when less than `ms` is left of this one (at most `ms`).
 */
async function roomInRealWindow(ms: number): Promise<void> {
  const step = STEP_SECONDS * 1000;
  const left = step - (Date.now() % step);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

test('mfa_process on both profiles, direct chain: credential-process default, then admin within 2 s: both served, the second waits for the next code window, no code refused', async () => {
  directChainWithClockCodes();
  afterPairingWindows();
  await moto.clearRequests();
  // rolegate counts windows on real time (the tests' TOTP clock may be steps ahead of it); the two
  // calls take 2-4 s (CI: one of them straddled a window's end, and the wait it tests did not happen)
  await roomInRealWindow(10_000);
  const started = Date.now();
  const first = await runRolegate(['credential-process', 'default'], { env: box.env, timeoutMs: 60_000 });
  assert.equal(first.code, 0, first.stderr);
  const second = await runRolegate(['credential-process', 'admin'], { env: box.env, timeoutMs: 60_000 });
  assert.equal(second.code, 0, second.stderr);
  // "for the next code", not "in N s, when its code changes": the tests' clock moved, no real wait
  assert.match(second.stderr, /the MFA code of this 30 s window was already sent to AWS, which takes each code only once: running mfa_process again for the next code/);
  assert.deepEqual(await refused(), [], 'the strict layer refused no code');
  const actions = (await moto.requests()).map((r) => r.action);
  assert.equal(actions.filter((a) => a === 'GetSessionToken').length, 1);
  assert.equal(actions.filter((a) => a === 'AssumeRole').length, 1);
  assert.equal(mfaProcessRuns(account), 2);
  // the record holds the window counter and never a code
  const record = JSON.parse(readFileSync(mfaWindowFile(MFA_SERIAL, box.env), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(record).sort(), ['serial', 'version', 'window']);
  // the second call's window: the one after the first's (no real wait), on rolegate's clock
  const window = Number(record.window);
  assert.ok(window >= currentStep(started) + 1 && window <= currentStep(Date.now()) + 1, `window ${window}`);
});

test('mfa_process, direct chain: 5 cold credential-process admin calls at once are all served with one code, none refused', async () => {
  directChainWithClockCodes();
  afterPairingWindows();
  await moto.clearRequests();
  const results = await Promise.all(Array.from({ length: 5 }, () => runRolegate(['credential-process', 'admin'], { env: box.env, timeoutMs: 120_000 })));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(new Set(results.map((r) => JSON.parse(r.stdout).AccessKeyId as string)).size, 1, 'the same role credentials');
  assert.equal(mfaProcessRuns(account), 1);
  assert.deepEqual(await refused(), []);
  assert.equal((await moto.requests()).filter((r) => r.action === 'AssumeRole').length, 1);

  // cold again (the role's cache gone), in the same window: the next call waits for the next code
  rmSync(join(sessionCacheDir(box.env), 'role-admin.json'));
  assert.equal(existsSync(join(sessionCacheDir(box.env), 'role-admin.json')), false);
  const again = await Promise.all(Array.from({ length: 5 }, () => runRolegate(['credential-process', 'admin'], { env: box.env, timeoutMs: 120_000 })));
  for (const result of again) assert.equal(result.code, 0, result.stderr);
  assert.equal(mfaProcessRuns(account), 2);
  assert.deepEqual(await refused(), [], 'no code of a used window was sent');
});

test('a code typed at the prompt while its 30 s window is one whose code was already sent is refused before it is sent, and the person told to wait', { timeout: 90_000 }, async (t) => {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return t.skip('script (util-linux) is not installed');
  writeStoreLayout(box, account, { mfaProcess: false });
  // another process sent this device's code of the next window (AWS accepts one a step early)
  const record = mfaWindowFile(MFA_SERIAL, box.env);
  mkdirSync(dirname(record), { recursive: true, mode: 0o700 });
  writeFileSync(record, JSON.stringify({ version: 1, serial: MFA_SERIAL, window: currentStep(Date.now()) + 1 }), { mode: 0o600 });
  const code = await nextCode(account);
  const result = await credentialProcessAtTerminal(box.home, { ...box.env, ROLEGATE_TEST_SKIP_TOTP_WAIT: '' }, [code, code, code]);
  assert.notEqual(result.code, 0, result.screen);
  assert.match(result.screen, /The code your authenticator shows now was already sent to AWS, which takes each code only once: wait \d+ s for the next code\./);
  assert.match(result.screen, /Not sent: the code your authenticator shows now was already sent to AWS/);
  assert.match(result.stderr, /an MFA code of a 30 s window already used was entered again/);
  assert.equal((await moto.requests()).filter((r) => r.action === 'GetSessionToken').length, 0, 'no code went to AWS');
});
