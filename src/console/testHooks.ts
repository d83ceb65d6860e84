/**
 * TEST HOOKS for the console sign-in tests; dead code in the shipped bundle (ROLEGATE_TEST_HOOKS,
 * src/types/testHooks.d.ts). No emulator plays AWS's federation endpoint, so the tests run a
 * stand-in on loopback:
 *   ROLEGATE_TEST_FEDERATION_ENDPOINT    where getSigninToken is asked instead of the partition's
 *                                        endpoint (the sign-in URL keeps the partition's host)
 *   ROLEGATE_TEST_FEDERATION_TIMEOUT_MS  a shorter bound on that request, to test a hung endpoint
 */
export function testFederationEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return globalThis.ROLEGATE_TEST_HOOKS !== false ? env.ROLEGATE_TEST_FEDERATION_ENDPOINT || undefined : undefined;
}

export function testFederationTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  if (globalThis.ROLEGATE_TEST_HOOKS === false || !env.ROLEGATE_TEST_FEDERATION_TIMEOUT_MS) return undefined;
  return Number(env.ROLEGATE_TEST_FEDERATION_TIMEOUT_MS);
}
