import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { isUserError } from '../userError.js';
import { otpauthUri, pairMfaDevice, pairingUnavailableReason } from './mfaPairing.js';

// The e2e tests' stand-in authenticator (compiled beside this tree).
const helper = fileURLToPath(new URL('../../test/e2e/setupTotpCommand.js', import.meta.url));
const seed = new Secret({ size: 20 }).base32;

function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-pairing-'));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const commands = (file: string, mode = 'code') => ({
  pairCommand: `'${process.execPath}' '${helper}' pair '${file}'`,
  codeCommand: `'${process.execPath}' '${helper}' ${mode} '${file}'`,
});

test('the pair command gets the otpauth URI; two consecutive codes come back, checked locally', async () =>
  withDir(async (dir) => {
    const file = join(dir, 'uri');
    const written: string[] = [];
    const codes = await pairMfaDevice({ seed, account: 'admin@123456789012', ...commands(file), env: process.env, skipWait: true, write: (t) => written.push(t) });
    assert.equal(readFileSync(file, 'utf8').trim(), otpauthUri(seed, 'admin@123456789012'));
    const totp = new TOTP({ secret: Secret.fromBase32(seed) });
    const now = Date.now();
    const c1 = totp.counter({ timestamp: now }) + (totp.validate({ token: codes.code1, timestamp: now, window: 1 }) ?? NaN);
    const next = (c1 + 1) * 30_000;
    assert.equal(totp.validate({ token: codes.code2, timestamp: next, window: 0 }), 0, 'code 2 is the next window');
    assert.ok(!written.join('').includes(seed), 'the seed is not written anywhere');
  }));

test('a wrong code is refused before anything is enabled', async () =>
  withDir(async (dir) => {
    await assert.rejects(
      pairMfaDevice({ seed, account: 'a', ...commands(join(dir, 'uri'), 'wrong'), env: process.env, skipWait: true, write: () => {} }),
      (error: unknown) => isUserError(error) && /does not match the new MFA device/.test(error.message),
    );
  }));

test('failing or odd commands give messages that hold neither the seed nor the output', async () => {
  await assert.rejects(
    pairMfaDevice({ seed, account: 'a', pairCommand: 'cat >/dev/null; exit 3', codeCommand: 'echo 123456', env: process.env, skipWait: true, write: () => {} }),
    (error: unknown) => isUserError(error) && /--mfa-pair-command failed \(exit code 3\)/.test(error.message) && !error.message.includes(seed),
  );
  await assert.rejects(
    pairMfaDevice({ seed, account: 'a', pairCommand: 'cat >/dev/null', codeCommand: 'echo not-a-code', env: process.env, skipWait: true, write: () => {} }),
    (error: unknown) => isUserError(error) && /did not print a 6-digit code/.test(error.message) && !error.message.includes('not-a-code'),
  );
});

test('without a terminal, both commands are needed', () => {
  if (process.stdin.isTTY && process.stderr.isTTY) return; // only meaningful without a terminal (CI, tests)
  assert.match(pairingUnavailableReason({})!, /QR code/);
  assert.match(pairingUnavailableReason({ pairCommand: 'x' })!, /two codes/);
  assert.equal(pairingUnavailableReason({ pairCommand: 'x', codeCommand: 'y' }), undefined);
});
