import { test } from 'node:test';
import assert from 'node:assert/strict';
import { terminalQrCode } from './qrCode.js';

test('the QR code is drawn with block characters, square, and depends on the text', async () => {
  const a = await terminalQrCode('otpauth://totp/AWS:admin?secret=JBSWY3DPEHPK3PXP&issuer=AWS');
  const b = await terminalQrCode('otpauth://totp/AWS:admin?secret=KRSXG5CTMVRXEZLU&issuer=AWS');
  assert.match(a, /[▀▄█]/);
  assert.notEqual(a, b);
  const lines = a.trimEnd().split('\n');
  assert.ok(lines.length > 10 && lines.length < 40, `${lines.length} lines`);
});
