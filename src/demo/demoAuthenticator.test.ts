import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { currentCode, pairDevice, pairingCode } from './demoAuthenticator.js';

test('pairing codes are two consecutive windows, the first one already open: no wait for the next', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-auth-'));
  try {
    const device = new TOTP({ secret: new Secret(), label: 'admin', issuer: 'AWS' });
    const file = join(dir, 'device');
    pairDevice(file, device.toString());
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const first = pairingCode(file);
    const second = pairingCode(file);
    const now = Date.now();
    assert.deepEqual([first.which, second.which], ['first', 'second']);
    const counterOf = (token: string) => device.counter({ timestamp: now }) + device.validate({ token, timestamp: now, window: 2 })!;
    assert.equal(counterOf(second.code), counterOf(first.code) + 1);
    assert.ok(counterOf(first.code) < device.counter({ timestamp: now }), "the first is the previous window's (still accepted)");
    assert.equal(currentCode(file), device.generate());
    assert.equal(pairingCode(file).which, 'first', 'a new pairing starts over');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
