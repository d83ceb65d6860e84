/** Temporary credentials as rolegate passes them around, and the freshness rule for all caches. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Like the AWS CLI: credentials with under 15 minutes left count as expired. */
export const EXPIRY_WINDOW_MS = 15 * 60_000;

export function isFresh(expiration: Date, now: number = Date.now()): boolean {
  return !Number.isNaN(expiration.getTime()) && expiration.getTime() - now > EXPIRY_WINDOW_MS;
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
