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
 *
 * The clock moves by whole 30 s steps, so a window of real time (the one rolegate's rule "one code
 * per window per device", mfaWindow.ts, counts on) is always exactly one window of the test clock:
 * the test clock's window is rolegate's plus the steps moved. So an authenticator stand-in of the
 * clock (stateless, as ykman or oathtool) asked for the code of ROLEGATE_TOTP_TIME (rolegate's
 * clock) gives that of the same moment on the test clock (`totpTimeOfRolegate`), and two windows
 * rolegate tells apart never get one code.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STEP_SECONDS } from './totp.js';

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

const STEP_MS = STEP_SECONDS * 1000;

/** Moves the TOTP clock forward by whole `steps` (a wait for a later window, not slept). */
export function advanceTotpClock(steps: number): void {
  const file = clockFile();
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, String(offsetMs() + Math.max(0, Math.ceil(steps)) * STEP_MS));
  renameSync(temporary, file);
}

/**
 * The moment on the test clock that rolegate means by a time on its own (real) clock, such as the
 * ROLEGATE_TOTP_TIME it gives a code command, in ms; undefined for no time.
 */
export function totpTimeOfRolegate(realMs: number | undefined): number | undefined {
  return realMs === undefined || !Number.isFinite(realMs) ? undefined : realMs + offsetMs();
}

/** ROLEGATE_TOTP_TIME (Unix seconds on rolegate's clock) of this process, in ms, if set. */
export function rolegateTotpTime(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.ROLEGATE_TOTP_TIME;
  return value && /^\d+$/.test(value) ? Number(value) * 1000 : undefined;
}

/** Back to real time (the strict layer's reset: no device outlives it). */
export function resetTotpClock(): void {
  rmSync(clockFile(), { force: true });
}
