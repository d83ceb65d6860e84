/** TOTP as AWS's virtual MFA devices use it (RFC 6238: SHA-1, 6 digits, 30 s steps). */
import { createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const STEP_SECONDS = 30;
/**
 * Steps accepted either side of the current one. AWS does not document its window; one step back
 * (RFC 6238 §5.2's recommendation) and one forward is the commonly observed behaviour.
 */
export const SKEW_STEPS = 1;

export function totpCode(seed: string, step: number): string {
  return new TOTP({ secret: Secret.fromBase32(seed.trim()), digits: 6, period: STEP_SECONDS, algorithm: 'SHA1' }).generate({ timestamp: step * STEP_SECONDS * 1000 });
}

export function currentStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / STEP_SECONDS);
}

/** The step in the window around `nowMs` whose code is `code`, or undefined. */
export function stepOfCode(seed: string, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const n = currentStep(nowMs);
  for (let step = n - SKEW_STEPS; step <= n + SKEW_STEPS; step++) if (totpCode(seed, step) === code) return step;
  return undefined;
}

/** A short, stable name for a seed (the code sources' state files are named by it). */
export function seedTag(seed: string): string {
  return createHash('sha256').update(seed.trim()).digest('hex').slice(0, 16);
}
