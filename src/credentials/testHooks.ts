/**
 * TEST HOOKS of the credential chain, named as such. Each check is a function here, so a build
 * for release can make them dead code in one place.
 */

/**
 * TEST HOOK: with ROLEGATE_TEST_ROLE_LIFETIME_SECONDS=N, role credentials from STS are taken to
 * expire N seconds after they arrive (moto, like AWS, issues at least 15 minutes), so a test can
 * watch a long-running command outlive its first role credentials without waiting an hour.
 */
export function testRoleLifetimeSeconds(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.ROLEGATE_TEST_ROLE_LIFETIME_SECONDS;
  if (value === undefined || !/^\d+$/.test(value) || Number(value) <= 0) return undefined;
  return Number(value);
}
