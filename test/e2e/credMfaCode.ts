/**
 * A stand-in for a password manager in `mfa_process`: prints the next unused TOTP code for the
 * seed in the file named by argv[2] (the seed never goes on a command line; see mfaCodes.ts: the
 * strict AWS layer refuses a code used before) and appends a line to the counter file argv[3], so
 * tests can count how often rolegate asked for a code. With argv[4] `clock` it is an authenticator
 * as ykman or oathtool are: it prints the code of the time (ROLEGATE_TOTP_TIME when rolegate names
 * one, else now), the same code for a whole 30 s window, and keeps no state. (The time rolegate
 * names, not a later "now": rolegate records the window of that time as used, and a window that
 * turned while this process started would give the next call's code.) Its
 * clock is the tests' TOTP clock (totpClock.ts), the one the strict layer checks codes against:
 * rolegate's time is taken to the same moment on it, so a window rolegate has not used yet always
 * gives a code the layer has not seen.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { nextMfaCode } from '../harness/mfaCodes.js';
import { currentStep, totpCode } from '../harness/totp.js';
import { advanceTotpClock, rolegateTotpTime, totpNow, totpTimeOfRolegate } from '../harness/totpClock.js';

const [seedFile, counterFile, mode] = process.argv.slice(2);
if (!seedFile) {
  process.stderr.write('usage: credMfaCode SEEDFILE [COUNTERFILE]\n');
  process.exit(2);
}
if (counterFile) appendFileSync(counterFile, `${process.pid}\n`);
const seed = readFileSync(seedFile, 'utf8').trim();
/** The authenticator of the clock: a time later than the one AWS accepts now is waited for (the clock moved, not slept). */
function codeOfTheClock(): string {
  const step = currentStep(totpTimeOfRolegate(rolegateTotpTime()) ?? totpNow());
  const accepted = currentStep(totpNow()) + 1;
  if (step > accepted) advanceTotpClock(step - accepted);
  return totpCode(seed, step);
}
process.stdout.write((mode === 'clock' ? codeOfTheClock() : await nextMfaCode(seed, dirname(seedFile))) + '\n');
