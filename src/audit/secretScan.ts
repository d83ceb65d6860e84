/**
 * Finds AWS secrets in lines of text (shell history, start-up files) without ever returning them:
 * a hit says what kind of secret sits on which line, and at most the first 4 characters of a key id.
 */
export type SecretKind = 'secret-access-key' | 'access-key-id' | 'session-token';

export interface SecretHit {
  /** 1-based line number. */
  line: number;
  kinds: SecretKind[];
  /** Masked key id prefix (`AKIA…`), when an access key id is on the line. */
  keyIdPrefix?: string;
}

const LONG_TERM_KEY_ID = /\b(AKIA|ABIA|ACCA)[A-Z0-9]{16}\b/;
const TEMPORARY_KEY_ID = /\bASIA[A-Z0-9]{16}\b/;
// A secret access key named as such: env var, config key or CLI flag, followed by a value.
const NAMED_SECRET = /(aws_secret_access_key|secret[_-]?access[_-]?key|aws_secret_key)["']?\s*[=:\s]\s*["']?[A-Za-z0-9/+]{30,}/i;
// A 40-character secret on the same line as a key id (e.g. `aws configure set ... AKIA... wJalr...`).
const BARE_SECRET = /(^|[^A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/;
const SESSION_TOKEN = /(aws_session_token|aws_security_token|session[_-]?token)["']?\s*[=:\s]\s*["']?[A-Za-z0-9/+=]{100,}/i;

export function scanLine(text: string): { kinds: SecretKind[]; keyIdPrefix?: string } {
  const kinds: SecretKind[] = [];
  const longTerm = LONG_TERM_KEY_ID.exec(text);
  const temporary = TEMPORARY_KEY_ID.exec(text);
  if (NAMED_SECRET.test(text) || ((longTerm || temporary) && BARE_SECRET.test(text.replace(LONG_TERM_KEY_ID, '').replace(TEMPORARY_KEY_ID, '')))) {
    kinds.push('secret-access-key');
  }
  if (longTerm) kinds.push('access-key-id');
  if (SESSION_TOKEN.test(text)) kinds.push('session-token');
  const id = longTerm ?? temporary;
  return { kinds, ...(id ? { keyIdPrefix: maskKeyId(id[0]) } : {}) };
}

export function scanText(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  text.split('\n').forEach((line, index) => {
    const { kinds, keyIdPrefix } = scanLine(line);
    if (kinds.length > 0) hits.push({ line: index + 1, kinds, ...(keyIdPrefix ? { keyIdPrefix } : {}) });
  });
  return hits;
}

/** At most the first four characters (the key type), never the rest. */
export function maskKeyId(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}…`;
}
