/**
 * Does a policy let sts:AssumeRole through without MFA? A structural reading of the documents, not a
 * general policy evaluator: it answers only this question, conservatively (an Allow whose other
 * conditions might hold counts as allowing; a Deny counts only when it surely applies).
 *
 * "Without MFA" is two request contexts: aws:MultiFactorAuthPresent absent (long-term keys) and
 * present as "false" (temporary credentials obtained without MFA). In both, aws:MultiFactorAuthAge
 * is absent. The AWS docs' warning applies: `BoolIfExists ... "true"` in an Allow does NOT require
 * MFA (it matches when the key is absent); `BoolIfExists ... "false"` in a Deny covers both contexts.
 */
import {
  asList,
  awsPrincipals,
  parsePolicyDocument,
  statementCoversAction,
  statementCoversResource,
  type PolicyStatement,
} from './policyDocument.js';

export type NoMfaContext = 'mfa-absent' | 'mfa-false';
const NO_MFA_CONTEXTS: NoMfaContext[] = ['mfa-absent', 'mfa-false'];

type Outcome = 'met' | 'not-met' | 'unknown';

const MFA_PRESENT = 'aws:multifactorauthpresent';
const MFA_AGE = 'aws:multifactorauthage';

function conditionOutcome(operator: string, key: string, values: string[], context: NoMfaContext): Outcome {
  const op = operator.toLowerCase().replace(/^for(any|all)value:/, '');
  const k = key.toLowerCase();
  const ifExists = op.endsWith('ifexists');
  const base = ifExists ? op.slice(0, -'ifexists'.length) : op;
  let present: string | undefined;
  if (k === MFA_PRESENT) present = context === 'mfa-false' ? 'false' : undefined;
  else if (k === MFA_AGE) present = undefined;
  else return 'unknown'; // any other key: depends on the request; not ours to decide
  const lowered = values.map((v) => v.toLowerCase());
  if (base === 'null') {
    // Null "true" matches when the key is absent, "false" when present.
    return lowered.includes(present === undefined ? 'true' : 'false') ? 'met' : 'not-met';
  }
  if (present === undefined) return ifExists ? 'met' : 'not-met';
  if (base === 'bool' || base === 'stringequals' || base === 'stringequalsignorecase') {
    return lowered.includes(present) ? 'met' : 'not-met';
  }
  if (base === 'stringnotequals' || base === 'stringnotequalsignorecase') {
    return lowered.includes(present) ? 'not-met' : 'met';
  }
  return 'unknown';
}

/** All condition blocks are ANDed. */
export function statementConditionOutcome(statement: PolicyStatement, context: NoMfaContext): Outcome {
  let result: Outcome = 'met';
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(entries ?? {})) {
      const outcome = conditionOutcome(operator, key, asList(value), context);
      if (outcome === 'not-met') return 'not-met';
      if (outcome === 'unknown') result = 'unknown';
    }
  }
  return result;
}

export interface MfaGap {
  /** Index of the Allow statement in its document. */
  statement: number;
  sid?: string;
  /** Which no-MFA contexts the statement admits. */
  contexts: NoMfaContext[];
  /** For trust policies: the AWS principals it admits. */
  principals?: string[];
}

function admits(allow: PolicyStatement, denies: PolicyStatement[], context: NoMfaContext, matches: (s: PolicyStatement) => boolean) {
  if (statementConditionOutcome(allow, context) === 'not-met') return false;
  return !denies.some((deny) => matches(deny) && statementConditionOutcome(deny, context) === 'met');
}

function denyCoversPrincipals(deny: PolicyStatement, principals: string[]): boolean {
  if (deny.NotPrincipal !== undefined) return false;
  const denied = awsPrincipals(deny);
  return denied.includes('*') || principals.every((p) => denied.includes(p));
}

/**
 * Trust policy: the Allow statements that let an AWS principal (account, user, role or `*`) assume
 * the role without MFA. Service and federated principals are not considered (no MFA applies to them).
 */
export function trustPolicyMfaGaps(document: unknown, action = 'sts:AssumeRole'): MfaGap[] {
  const doc = parsePolicyDocument(document);
  const denies = doc.Statement.filter((s) => s.Effect === 'Deny' && statementCoversAction(s, action));
  const gaps: MfaGap[] = [];
  doc.Statement.forEach((statement, index) => {
    if (statement.Effect !== 'Allow' || !statementCoversAction(statement, action)) return;
    const principals = statement.NotPrincipal !== undefined ? ['*'] : awsPrincipals(statement);
    if (principals.length === 0) return;
    const contexts = NO_MFA_CONTEXTS.filter((c) =>
      admits(statement, denies, c, (deny) => denyCoversPrincipals(deny, principals)),
    );
    if (contexts.length > 0) gaps.push({ statement: index, ...(statement.Sid ? { sid: statement.Sid } : {}), contexts, principals });
  });
  return gaps;
}

export interface NamedPolicy {
  name: string;
  document: unknown;
}

export interface IdentityMfaGap extends MfaGap {
  policy: string;
}

/**
 * Identity policies (inline, attached, group): the Allow statements that grant sts:AssumeRole on
 * `roleArn` without MFA, not cancelled by a Deny in any of the policies.
 */
export function identityPolicyMfaGaps(policies: NamedPolicy[], roleArn: string, action = 'sts:AssumeRole'): IdentityMfaGap[] {
  const parsed = policies.map((p) => ({ name: p.name, doc: parsePolicyDocument(p.document) }));
  const applies = (s: PolicyStatement) => statementCoversAction(s, action) && statementCoversResource(s, roleArn);
  const denies = parsed.flatMap((p) => p.doc.Statement.filter((s) => s.Effect === 'Deny' && applies(s)));
  const gaps: IdentityMfaGap[] = [];
  for (const policy of parsed) {
    policy.doc.Statement.forEach((statement, index) => {
      if (statement.Effect !== 'Allow' || !applies(statement)) return;
      const contexts = NO_MFA_CONTEXTS.filter((c) => admits(statement, denies, c, () => true));
      if (contexts.length > 0) gaps.push({ policy: policy.name, statement: index, ...(statement.Sid ? { sid: statement.Sid } : {}), contexts });
    });
  }
  return gaps;
}

export function describeGap(gap: MfaGap & { policy?: string }): string {
  const where = `${gap.policy ? `policy ${gap.policy} ` : ''}statement ${gap.sid ? `"${gap.sid}"` : gap.statement}`;
  const who = gap.principals ? ` for ${gap.principals.join(', ')}` : '';
  return `${where} allows sts:AssumeRole${who} without MFA (${gap.contexts.join(', ')})`;
}
