/** IAM policy documents as IAM returns them (URL-encoded JSON in the raw API), normalised for reading. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

/** Accepts a parsed document, its JSON, or the URL-encoded JSON the IAM API returns. */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  let value = input;
  if (typeof value === 'string') {
    const text = value.trimStart().startsWith('%') ? decodeURIComponent(value) : value;
    value = JSON.parse(text) as unknown;
  }
  if (!value || typeof value !== 'object') throw new Error('policy document is not an object');
  const raw = (value as { Statement?: unknown }).Statement;
  const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return { ...(value as object), Statement: statements as PolicyStatement[] };
}

export function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** IAM wildcard match: `*` any run, `?` one character. Case-insensitive when asked (actions). */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/** Does the statement's Action/NotAction cover `action`? */
export function statementCoversAction(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((p) => wildcardMatch(p, action, true));
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((p) => wildcardMatch(p, action, true));
  return false;
}

/** Does the statement's Resource/NotResource cover `arn`? (Trust policies have neither: always.) */
export function statementCoversResource(statement: PolicyStatement, arn: string): boolean {
  if (statement.Resource !== undefined) return asList(statement.Resource).some((p) => wildcardMatch(p, arn));
  if (statement.NotResource !== undefined) return !asList(statement.NotResource).some((p) => wildcardMatch(p, arn));
  return true;
}

/** The AWS principals (account ids, ARNs, `*`) a trust statement names; service and federated ones are left out. */
export function awsPrincipals(statement: PolicyStatement): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  if (!principal || typeof principal !== 'object') return [];
  return asList((principal as Record<string, unknown>).AWS);
}
