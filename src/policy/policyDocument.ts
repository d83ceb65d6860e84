/** The small subset of the IAM policy grammar that rolegate writes. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: { AWS: string | string[] } | '*';
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The condition both documents carry: the caller signed in with MFA. */
export const MFA_PRESENT = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } as const;

/**
 * Parses a policy document as IAM returns it (URL-encoded JSON in GetRole/GetUserPolicy).
 * Returns undefined for text that is not JSON.
 */
export function parsePolicyDocument(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  for (const candidate of [text, safeDecode(text)]) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * A canonical form for comparing documents by meaning rather than by spelling: object keys sorted,
 * one-element arrays equal to their element, a single statement equal to a one-element list.
 */
export function canonicalPolicy(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    return items.length === 1 ? items[0] : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function samePolicy(a: unknown, b: unknown): boolean {
  return canonicalPolicy(a) === canonicalPolicy(b);
}
