/** Temporary credentials as rolegate passes them around, and the freshness rule for all caches. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Like the AWS CLI: credentials with under 15 minutes left count as expired. */
export const EXPIRY_WINDOW_MS = 15 * 60_000;

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
  return JSON.stringify({ Version: 1, ...toAwsShape(credentials) }) + '\n';
}
