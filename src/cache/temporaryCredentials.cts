/** Temporary credentials as rolegate passes them around, and the freshness rule for all caches. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /**
   * Served as they stand in the shared files (a static key): no expiration is known (`expiration` is
   * NO_EXPIRY, far ahead) and `sessionToken` is '' for a long-term key. Never cached.
   */
  noExpiry?: true;
}

/** The expiration of credentials that have none (noExpiry). */
export const NO_EXPIRY = new Date(Date.UTC(9999, 11, 31));

/** Like the AWS CLI: credentials with under 15 minutes left count as expired. */
export const EXPIRY_WINDOW_MS = 15 * 60_000;

/**
 * What exec (with plain variables) and env hand out: credentials that last at least 40 minutes, or
 * two thirds of their lifetime when that is shorter (see requiredRemainingMs), renewed first when
 * the cached ones have less. The AWS CLI's 15 minutes is a rule for reusing a cache, too short for a
 * command that starts now; 40 minutes is what a 1-hour role can promise every time (40 to 60).
 */
export const HANDOUT_MARGIN_MS = 40 * 60_000;
/**
 * What exec's credentials endpoint serves: credentials with at least 20 minutes left (or two thirds
 * of their lifetime), so that a client refreshing inside botocore's 15-minute window gets new ones.
 */
export const ENDPOINT_MARGIN_MS = 20 * 60_000;

/**
 * How long cached credentials must still last to be served, when asked for `wantedMs` (15 minutes
 * by default, more for exec and env): never more than two thirds of their lifetime, or credentials
 * that live 15 minutes (duration_seconds = 900) would be stale the moment they arrive and never be
 * reused. With a 900 s role that is 10 minutes, botocore's own mandatory refresh window.
 */
export function requiredRemainingMs(lifetimeMs: number | undefined, wantedMs: number = EXPIRY_WINDOW_MS): number {
  if (lifetimeMs === undefined || !(lifetimeMs > 0)) return wantedMs;
  return Math.min(wantedMs, Math.floor((lifetimeMs * 2) / 3));
}

export function isFresh(expiration: Date, now: number = Date.now(), requiredMs: number = EXPIRY_WINDOW_MS): boolean {
  return !Number.isNaN(expiration.getTime()) && expiration.getTime() - now > requiredMs;
}

/**
 * The longest AWS issues, from the moment of issue: GetSessionToken 36 h, AssumeRole 12 h (a role's
 * MaxSessionDuration at most). A cache entry that claims longer was not made by STS as stored: it is
 * damaged (or planted), never served.
 */
export const MAX_LIFETIME_MS = { session: 36 * 3600_000, role: 12 * 3600_000 } as const;
/** Clock skew allowed between the entry's creation time and now. */
const SKEW_MS = 5 * 60_000;

/**
 * Whether `expiration` is within what AWS can issue: at most `maxMs` after `createdAt` (when the
 * entry records it; a creation time in the future is itself damage) and after now.
 */
export function withinIssuableLifetime(expiration: Date, maxMs: number, createdAt: string | undefined, now: number = Date.now()): boolean {
  const end = expiration.getTime();
  if (end - now > maxMs + SKEW_MS) return false;
  if (createdAt === undefined || createdAt === '') return true;
  const created = Date.parse(createdAt);
  if (Number.isNaN(created) || created > now + SKEW_MS) return false;
  return end - created <= maxMs + SKEW_MS;
}

/** ISO 8601 in UTC to the second, the way STS itself writes Expiration. */
export function formatExpiration(expiration: Date): string {
  return expiration.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function parseCredentials(value: unknown): TemporaryCredentials | undefined {
  const c = value as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null) return undefined;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = c;
  if (typeof AccessKeyId !== 'string' || typeof SecretAccessKey !== 'string' || typeof SessionToken !== 'string' || typeof Expiration !== 'string') {
    return undefined;
  }
  const expiration = new Date(Expiration);
  if (Number.isNaN(expiration.getTime()) || !AccessKeyId || !SecretAccessKey || !SessionToken) return undefined;
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration };
}

export function toAwsShape(credentials: TemporaryCredentials) {
  return {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: formatExpiration(credentials.expiration),
  };
}

/** The line `credential_process` prints: the AWS contract's JSON, version 1. */
export function credentialProcessLine(credentials: TemporaryCredentials): string {
  if (credentials.noExpiry) {
    // the contract's form for credentials without an expiration: no SessionToken unless there is one
    const { AccessKeyId, SecretAccessKey, SessionToken } = toAwsShape(credentials);
    return JSON.stringify({ Version: 1, AccessKeyId, SecretAccessKey, ...(SessionToken ? { SessionToken } : {}) }) + '\n';
  }
  return JSON.stringify({ Version: 1, ...toAwsShape(credentials) }) + '\n';
}

/** The variables that hand temporary credentials to a tool (never AWS_PROFILE beside them). */
export function credentialVariables(credentials: TemporaryCredentials, region: string | undefined): Record<string, string> {
  const vars: Record<string, string> = {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: formatExpiration(credentials.expiration),
  };
  if (credentials.noExpiry) {
    delete vars.AWS_CREDENTIAL_EXPIRATION;
    if (!credentials.sessionToken) delete vars.AWS_SESSION_TOKEN;
  }
  if (region) {
    vars.AWS_REGION = region;
    vars.AWS_DEFAULT_REGION = region;
  }
  return vars;
}

/** Time left, for people: `1h05m`, `12m`, `expired`. */
export function formatRemaining(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m`;
}
