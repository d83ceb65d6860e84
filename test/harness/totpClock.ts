/**
 * The tests' TOTP clock: real time plus an offset that a code source moves forward, shared by the
 * strict layer (which checks MFA codes against it, strictAws.ts `totpNow`) and every code source of
 * a test process and its children (mfaCodes.ts, its boto3 twin, the mfa_process and
 * --mfa-code-command stand-ins) through the file named in TEST_TOTP_CLOCK_FILE. When a test needs
 * more codes than the window around now holds, the code source moves the clock on to the next
 * window instead of sleeping up to 30 s, as if the person had waited. The layer's rules are
 * unchanged (each code once, one step either side of its clock). Only MFA codes read this clock:
 * expirations and MFA age stay on real time. The clock returns to real time when the layer is
 * reset (before each test), as every MFA device is then gone.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TOTP_CLOCK_VARIABLE = 'TEST_TOTP_CLOCK_FILE';

// A test process names its own clock; its children (sandboxes copy process.env) inherit the name.
process.env[TOTP_CLOCK_VARIABLE] ||= join(tmpdir(), `rolegate-totp-clock-${process.pid}`);

function clockFile(): string {
  return process.env[TOTP_CLOCK_VARIABLE]!;
}

function offsetMs(): number {
  try {
    return Number(readFileSync(clockFile(), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

/** The time TOTP codes are made and checked for, in ms. */
export function totpNow(): number {
  return Date.now() + offsetMs();
}

/** Moves the TOTP clock forward by `ms` (a wait for the next window, not slept). */
export function advanceTotpClock(ms: number): void {
  const file = clockFile();
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, String(offsetMs() + Math.max(0, Math.ceil(ms))));
  renameSync(temporary, file);
}

/** Back to real time (the strict layer's reset: no device outlives it). */
export function resetTotpClock(): void {
  rmSync(clockFile(), { force: true });
}
