// Test helper for --mfa-pair-command / --mfa-code-command (a stand-in for an authenticator):
//   node setupTotpCommand.js pair FILE    keeps the otpauth:// URI read from stdin in FILE (0600)
//   node setupTotpCommand.js code FILE    prints the next unused code of the device (mfaCodes.ts):
//                                         genuine, never one twice, as the strict AWS layer wants
//   node setupTotpCommand.js wrong FILE   prints a code that is certainly not the right one
// FILE lives in the sandbox HOME, beside the code state. The code is never of a step before
// ROLEGATE_TOTP_TIME's (the time setup wants it for; nextMfaCode reads it).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { URI } from 'otpauth';
import { nextMfaCode } from '../harness/mfaCodes.js';
import { totpNow } from '../harness/totpClock.js';

const [mode, file] = process.argv.slice(2);
if (!file) throw new Error('usage: setupTotpCommand.js pair|code|wrong FILE');
if (mode === 'pair') {
  writeFileSync(file, readFileSync(0, 'utf8').trim(), { mode: 0o600 });
} else {
  const totp = URI.parse(readFileSync(file, 'utf8').trim());
  const seed = totp.secret.base32;
  if (mode === 'wrong') {
    const code = totp.generate({ timestamp: totpNow() });
    process.stdout.write(String((Number(code) + 500_000) % 1_000_000).padStart(6, '0') + '\n');
  } else {
    process.stdout.write((await nextMfaCode(seed, dirname(file))) + '\n');
  }
}
