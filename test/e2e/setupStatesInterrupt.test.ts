// Ctrl-C (SIGINT) or SIGTERM while setup waits for an MFA code: it says what exists now and the
// commands that complete or undo it, and exits 130; running the same command again completes it.
// The wait is a --mfa-code-command that blocks (a person who has not typed the code yet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { signalWhileCodeWaits, waitingCodeCommand } from './codeWaitSignal.js';
import { accountListing, mfaFlags, setup, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();

/** Runs setup until its code command starts, then sends `signal` to rolegate alone. */
function interruptedSetup(box: Sandbox, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const marker = join(box.home, 'code-command-pid');
  const flags = mfaFlags(box);
  flags[3] = waitingCodeCommand(marker); // the --mfa-code-command: waits, as a person would
  return signalWhileCodeWaits(box, ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', ...flags], marker, signal);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} while setup waits for an MFA code: what exists, how to complete or undo it, exit 130; rerunning completes it`, async () => {
    const box = setupSandbox(moto.endpoint);
    try {
      const { code, stderr } = await interruptedSetup(box, signal);
      assert.equal(code, 130, stderr);
      assert.match(stderr, /setup was interrupted\. What exists now:/);
      assert.match(stderr, /\+ IAM user admin: created/);
      assert.match(stderr, /\+ IAM role admin: created/);
      assert.match(stderr, /\? virtual MFA device admin for user admin: was in progress/);
      assert.match(stderr, /to complete it, run the same command again: rolegate setup --bootstrap-profile bootstrap --store plain --mfa-pair-command/);
      assert.match(stderr, /to undo it instead: rolegate teardown --bootstrap-profile bootstrap/);
      const listing = await accountListing(box);
      assert.deepEqual(listing.users.map((u) => u.name), ['admin'], 'the user exists, as the message says');

      const again = await setup(box);
      assert.equal(again.code, 0, again.stderr + again.stdout);
      assert.match(again.stdout, /Setup complete/);
      assert.deepEqual((await accountListing(box)).users[0]!.mfa.length, 1);
    } finally {
      box.cleanup();
    }
  });
}
