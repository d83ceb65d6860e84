/**
 * The demo's stand-in for an authenticator app. Setup hands it the new MFA device's otpauth:// URI
 * (--mfa-pair-command), and it computes codes from that seed (--mfa-code-command, and the codes
 * the demo types for the AWS CLI). The URI lives in a 0600 file in the demo's temporary HOME,
 * removed with it; a real setup never keeps the seed anywhere but your authenticator.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TOTP, URI } from 'otpauth';

function deviceOf(file: string): TOTP {
  const parsed = URI.parse(readFileSync(file, 'utf8').trim());
  if (!(parsed instanceof TOTP)) throw new Error('the demo authenticator holds no TOTP device');
  return parsed;
}

export function pairDevice(file: string, uri: string): void {
  writeFileSync(file, uri.trim() + '\n', { mode: 0o600 });
}

/** The code the device shows now. */
export function currentCode(file: string): string {
  return deviceOf(file).generate();
}

/**
 * The two consecutive codes pairing asks for, one per call. Pairing wants codes of two consecutive
 * 30 s windows; a person waits for the second. The demo does not: its first code is the previous
 * window's (still accepted, one window of drift), its second the window after that one (now's),
 * so the pair is consecutive whenever the calls come.
 */
export function pairingCode(file: string): { code: string; which: 'first' | 'second' } {
  const device = deviceOf(file);
  const state = `${file}.pairing`;
  if (!existsSync(state)) {
    const counter = device.counter() - 1;
    writeFileSync(state, String(counter), { mode: 0o600 });
    return { code: device.generate({ timestamp: counter * device.period * 1000 }), which: 'first' };
  }
  const counter = Number(readFileSync(state, 'utf8')) + 1;
  rmSync(state, { force: true });
  return { code: device.generate({ timestamp: counter * device.period * 1000 }), which: 'second' };
}
