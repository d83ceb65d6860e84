/**
 * TEST HOOK, for the resumability tests only: with ROLEGATE_TEST_KILL_AFTER_STEP=<name>, the process
 * SIGKILLs itself when it reaches that point (a step id after the step, or an inner point such as
 * `mfa-device:created` or `access-key:created`; `teardown:N` after teardown's Nth action), as a
 * crash or a closed laptop would end it. Every hook is dead code in the shipped bundle
 * (ROLEGATE_TEST_HOOKS, src/types/testHooks.d.ts).
 */
export function testKillPoint(env: NodeJS.ProcessEnv, name: string): void {
  if (globalThis.ROLEGATE_TEST_HOOKS !== false && env.ROLEGATE_TEST_KILL_AFTER_STEP === name) process.kill(process.pid, 'SIGKILL');
}

/**
 * TEST HOOK, for the interruption tests: with ROLEGATE_TEST_PAUSE_AT=<name>[,<name>...] (the names of
 * testKillPoint, and rotate's steps) and ROLEGATE_TEST_PAUSE_FILE=<path>, the process writes its
 * pid to that file when it reaches that point and waits there (until it is signalled, at most 60 s, then carries on), so a
 * test can send it a signal at a known moment instead of guessing with sleeps.
 */
export async function testPausePoint(env: NodeJS.ProcessEnv, name: string): Promise<void> {
  if (globalThis.ROLEGATE_TEST_HOOKS !== false && env.ROLEGATE_TEST_PAUSE_AT?.split(',').includes(name) && env.ROLEGATE_TEST_PAUSE_FILE) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(env.ROLEGATE_TEST_PAUSE_FILE, String(process.pid));
    // a signal ends the wait too: where the command holds it (finishBeforeInterrupt), it goes on
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        resolve();
      };
      const timer = setTimeout(done, 60_000);
      process.on('SIGINT', done);
      process.on('SIGTERM', done);
    });
  }
}

/**
 * TEST HOOK: with ROLEGATE_TEST_SKIP_TOTP_WAIT=1, pairing does not sleep until the next TOTP window
 * before asking --mfa-code-command for the second code; the command gets the next window's time in
 * ROLEGATE_TOTP_TIME instead (which it is given in any case). moto does not check codes.
 */
export function skipTotpWait(env: NodeJS.ProcessEnv): boolean {
  return globalThis.ROLEGATE_TEST_HOOKS !== false && env.ROLEGATE_TEST_SKIP_TOTP_WAIT === '1';
}
