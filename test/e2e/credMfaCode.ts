/**
 * A stand-in for a password manager in `mfa_process`: prints the next unused TOTP code for the
 * seed in the file named by argv[2] (the seed never goes on a command line; see mfaCodes.ts: the
 * strict AWS layer refuses a code used before) and appends a line to the counter file argv[3], so
 * tests can count how often rolegate asked for a code. With argv[4] `clock` it is an authenticator
 * as ykman or oathtool are: it prints the code of the time (ROLEGATE_TOTP_TIME when rolegate names
 * one, else now), the same code for a whole 30 s window, and keeps no state.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { nextMfaCode } from '../harness/mfaCodes.js';
import { currentStep, totpCode } from '../harness/totp.js';

const [seedFile, counterFile, mode] = process.argv.slice(2);
if (!seedFile) {
  process.stderr.write('usage: credMfaCode SEEDFILE [COUNTERFILE]\n');
  process.exit(2);
}
if (counterFile) appendFileSync(counterFile, `${process.pid}\n`);
const seed = readFileSync(seedFile, 'utf8').trim();
const at = process.env.ROLEGATE_TOTP_TIME ? Number(process.env.ROLEGATE_TOTP_TIME) * 1000 : Date.now();
process.stdout.write((mode === 'clock' ? totpCode(seed, currentStep(at)) : await nextMfaCode(seed, dirname(seedFile))) + '\n');
