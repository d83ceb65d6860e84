/**
 * TEST HOOKS of the credential chain, named as such. Every hook is dead code in the shipped bundle
 * (ROLEGATE_TEST_HOOKS, src/types/testHooks.d.ts).
 */

/**
 * TEST HOOK: with ROLEGATE_TEST_ROLE_LIFETIME_SECONDS=N, role credentials from STS are taken to
 * expire N seconds after they arrive (moto, like AWS, issues at least 15 minutes), so a test can
 * watch a long-running command outlive its first role credentials without waiting an hour.
 */
export function testRoleLifetimeSeconds(env: NodeJS.ProcessEnv): number | undefined {
  const value = globalThis.ROLEGATE_TEST_HOOKS !== false ? env.ROLEGATE_TEST_ROLE_LIFETIME_SECONDS : undefined;
  if (value === undefined || !/^\d+$/.test(value) || Number(value) <= 0) return undefined;
  return Number(value);
}

/**
 * TEST HOOK: with ROLEGATE_TEST_SKIP_TOTP_WAIT=1, a code command whose window was used is run at
 * once for the next window (ROLEGATE_TOTP_TIME names it) rather than once that window has begun:
 * the tests' code sources move the tests' TOTP clock on to it instead (test/harness/totpClock.ts);
 * a code typed at a prompt in a used window is taken as the next window's (the tests' code source
 * hands out the next unused code by itself).
 */
export function skipTotpWaitForCodes(env: NodeJS.ProcessEnv): boolean {
  return globalThis.ROLEGATE_TEST_HOOKS !== false && env.ROLEGATE_TEST_SKIP_TOTP_WAIT === '1';
}
