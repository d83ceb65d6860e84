/**
 * The secrets a test run sees (long-term secret keys, MFA seeds, session tokens and temporary
 * secret keys), noted in the file the test runner names in ROLEGATE_TEST_SECRETS_FILE, so that its
 * final step can prove none of them reached the test output or a leftover temporary file
 * (test/harness/leakScan.ts). Without the variable (a test file run on its own) nothing is noted.
 */
import { appendFileSync } from 'node:fs';

export type SecretKind = 'secret access key' | 'session token' | 'MFA seed' | 'service-specific password' | 'console password';

const noted = new Set<string>();
/** Values shorter than this are not secrets moto or AWS issues (and would match by chance). */
const MIN_LENGTH = 16;

export function recordSecret(kind: SecretKind, value: unknown): void {
  const file = process.env.ROLEGATE_TEST_SECRETS_FILE;
  if (!file || typeof value !== 'string' || value.length < MIN_LENGTH || noted.has(value)) return;
  noted.add(value);
  appendFileSync(file, JSON.stringify({ kind, value }) + '\n', { mode: 0o600 });
}

const KEYS: Record<string, SecretKind> = {
  secretaccesskey: 'secret access key',
  aws_secret_access_key: 'secret access key',
  sessiontoken: 'session token',
  aws_session_token: 'session token',
  seed: 'MFA seed',
  base32stringseed: 'MFA seed',
};

/** Notes the values of secret-named fields anywhere in a parsed JSON value (a boto3 result). */
export function recordSecretsOf(value: unknown, depth = 0): void {
  if (depth > 8 || typeof value !== 'object' || value === null) return;
  for (const [key, inner] of Object.entries(value)) {
    const kind = KEYS[key.toLowerCase()];
    if (kind) recordSecret(kind, inner);
    else recordSecretsOf(inner, depth + 1);
  }
}

/** How secrets appear in text a program prints or is given: JSON, shell and INI assignments, otpauth URIs. */
const PATTERNS: Array<[RegExp, SecretKind]> = [
  [/"SecretAccessKey"\s*:\s*"([^"\\]+)"/g, 'secret access key'],
  [/"SessionToken"\s*:\s*"([^"\\]+)"/g, 'session token'],
  [/\bAWS_SECRET_ACCESS_KEY\s*[=\s]\s*['"]?([A-Za-z0-9/+=]+)/gi, 'secret access key'],
  [/\bAWS_SESSION_TOKEN\s*[=\s]\s*['"]?([A-Za-z0-9/+=]+)/gi, 'session token'],
  [/[?&]secret=([A-Z2-7]+)/g, 'MFA seed'],
  // IAM and STS answers (the strict layer in front of moto sees every one)
  [/<SecretAccessKey>([^<]+)<\/SecretAccessKey>/g, 'secret access key'],
  [/<SessionToken>([^<]+)<\/SessionToken>/g, 'session token'],
];

export function recordSecretsIn(text: string): void {
  if (!process.env.ROLEGATE_TEST_SECRETS_FILE || !text) return;
  for (const [pattern, kind] of PATTERNS) for (const match of text.matchAll(pattern)) recordSecret(kind, match[1]);
}

/** Secrets handed to a child through its environment. */
export function recordSecretsOfEnv(env: NodeJS.ProcessEnv): void {
  recordSecret('secret access key', env.AWS_SECRET_ACCESS_KEY);
  recordSecret('session token', env.AWS_SESSION_TOKEN);
}
