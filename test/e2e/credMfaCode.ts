/**
 * A stand-in for a password manager in `mfa_process`: prints the next unused TOTP code for the
 * seed in the file named by argv[2] (the seed never goes on a command line; see mfaCodes.ts: the
 * strict AWS layer refuses a code used before) and appends a line to the counter file argv[3], so
 * tests can count how often rolegate asked for a code.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { nextMfaCode } from '../harness/mfaCodes.js';

const [seedFile, counterFile] = process.argv.slice(2);
if (!seedFile) {
  process.stderr.write('usage: credMfaCode SEEDFILE [COUNTERFILE]\n');
  process.exit(2);
}
if (counterFile) appendFileSync(counterFile, `${process.pid}\n`);
const seed = readFileSync(seedFile, 'utf8').trim();
process.stdout.write((await nextMfaCode(seed, dirname(seedFile))) + '\n');
