// Test helper for --mfa-pair-command / --mfa-code-command (a stand-in for an authenticator):
//   node setupTotpCommand.js pair FILE    keeps the otpauth:// URI read from stdin in FILE (0600)
//   node setupTotpCommand.js code FILE    prints the code for ROLEGATE_TOTP_TIME (unix s), else now
//   node setupTotpCommand.js wrong FILE   prints a code that is certainly not the right one
import { readFileSync, writeFileSync } from 'node:fs';
import { URI } from 'otpauth';

const [mode, file] = process.argv.slice(2);
if (!file) throw new Error('usage: setupTotpCommand.js pair|code|wrong FILE');
if (mode === 'pair') {
  writeFileSync(file, readFileSync(0, 'utf8').trim(), { mode: 0o600 });
} else {
  const totp = URI.parse(readFileSync(file, 'utf8').trim());
  const at = process.env.ROLEGATE_TOTP_TIME ? Number(process.env.ROLEGATE_TOTP_TIME) * 1000 : Date.now();
  const code = totp.generate({ timestamp: at });
  const out = mode === 'wrong' ? String((Number(code) + 500_000) % 1_000_000).padStart(6, '0') : code;
  process.stdout.write(out + '\n');
}
