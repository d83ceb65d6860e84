/**
 * How a role of rolegate's own layout is assumed, and for how long: apart from the profile parser
 * (profileSpec.ts re-exports it), so the hourly role refresh (cli/roleRefresh.ts) and the cache
 * readers reach it without loading the parser.
 */
/**
 * How a role is assumed. `session` (the default): with the day's MFA session, so elevating needs no
 * new code, but AWS limits a role assumed with temporary credentials to 1 hour ("role chaining").
 * `direct`: with the long-term key and a fresh MFA code, as the AWS CLI does for role_arn +
 * mfa_serial: one code per role session, which may last up to the role's MaxSessionDuration.
 */
export type RoleChain = 'session' | 'direct';
export const ROLE_CHAINS: readonly RoleChain[] = ['session', 'direct'];
/** The profile key that picks the chain. */
export const ROLE_CHAIN_KEY = 'rolegate_role_chain';
/** AWS's limit for a role assumed with temporary credentials (the MFA session among them). */
export const CHAINED_ROLE_MAX_SECONDS = 3600;
export const DEFAULT_ROLE_SECONDS = 3600;
/** Why a session-chain role cannot last longer, and what to do instead (said wherever it is asked). */
export function chainedRoleLimitText(profile: string): string {
  return `AWS limits a role assumed with the MFA session (rolegate's default chain) to 1 hour; for longer role sessions set ${ROLE_CHAIN_KEY} = direct on profile ${profile} (one MFA code per role session)`;
}

/** The DurationSeconds rolegate asks AWS for: the profile's duration_seconds, within the chain's limit. */
export function roleRequestSeconds(role: { durationSeconds?: number; chain: RoleChain }): number {
  const wanted = role.durationSeconds ?? DEFAULT_ROLE_SECONDS;
  return role.chain === 'session' ? Math.min(wanted, CHAINED_ROLE_MAX_SECONDS) : wanted;
}
