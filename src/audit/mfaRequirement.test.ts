import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { identityPolicyMfaGaps, trustPolicyMfaGaps } from './mfaRequirement.js';

const ACCT = '123456789012';
const USER = `arn:aws:iam::${ACCT}:user/admin`;
const ROLE = `arn:aws:iam::${ACCT}:role/admin`;
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const allowUser = (extra: object = {}) => ({ Effect: 'Allow', Principal: { AWS: USER }, Action: 'sts:AssumeRole', ...extra });

/** Trust documents (principal: the user itself, so the trust policy alone decides) and whether MFA is required. */
const trustCases: Array<[string, object, boolean]> = [
  ['Bool true', doc(allowUser({ Condition: MFA })), true],
  ['Bool true as a list', doc(allowUser({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': ['true'] } } })), true],
  ['no condition', doc(allowUser()), false],
  ['BoolIfExists true (matches when the key is absent)', doc(allowUser({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } })), false],
  ['Bool false', doc(allowUser({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } })), false],
  ['Deny BoolIfExists false covers both', doc(allowUser(), { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }), true],
  ['Deny Bool false misses long-term keys', doc(allowUser(), { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }), false],
  ['Deny Null true misses MFA=false', doc(allowUser(), { Effect: 'Deny', Principal: '*', Action: 'sts:*', Condition: { Null: { 'aws:MultiFactorAuthPresent': 'true' } } }), false],
  ['MultiFactorAuthAge bound', doc(allowUser({ Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } })), true],
  ['Action sts:*', doc(allowUser({ Action: 'sts:*' })), false],
  ['Action sts:* with MFA', doc(allowUser({ Action: ['sts:*'], Condition: MFA })), true],
  ['NotAction covers AssumeRole', doc({ Effect: 'Allow', Principal: { AWS: USER }, NotAction: 's3:*' }), false],
  ['Principal *', doc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }), false],
  ['only TagSession', doc(allowUser({ Action: 'sts:TagSession' })), true],
  ['service principal only', doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), true],
];

async function simulate(trust: object, identity: object[], context: Record<string, string>) {
  const simulation: Simulation = {
    request: { principal: USER, action: 'sts:AssumeRole', resource: { resource: ROLE, accountId: ACCT }, contextVariables: context },
    identityPolicies: identity.map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: trust,
  };
  const result = await runSimulation(simulation, {});
  assert.notEqual(result.resultType, 'error', JSON.stringify(result));
  return (result as { overallResult: string }).overallResult;
}

const NO_MFA_CONTEXTS: Record<string, string>[] = [{}, { 'aws:MultiFactorAuthPresent': 'false' }];

for (const [name, trust, requiresMfa] of trustCases) {
  test(`trust policy, ${name}: ${requiresMfa ? 'requires' : 'does not require'} MFA, as iam-simulate agrees`, async () => {
    assert.equal(trustPolicyMfaGaps(trust).length === 0, requiresMfa);
    const principalIsUser = JSON.stringify(trust).includes(USER) || JSON.stringify(trust).includes('"*"');
    if (!principalIsUser) return; // service principals: nothing a user could do
    const outcomes = await Promise.all(NO_MFA_CONTEXTS.map((c) => simulate(trust, [], c)));
    assert.equal(outcomes.every((o) => o !== 'Allowed'), requiresMfa, `iam-simulate: ${outcomes.join(', ')}`);
  });
}

test('trust policy with the guide layout (account principal + MFA) reports no gap; without the condition, one naming the account', () => {
  const account = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' };
  assert.deepEqual(trustPolicyMfaGaps(doc({ ...account, Condition: MFA })), []);
  const gaps = trustPolicyMfaGaps(encodeURIComponent(JSON.stringify(doc({ ...account, Sid: 'Open' }))));
  assert.deepEqual(gaps, [{ statement: 0, sid: 'Open', contexts: ['mfa-absent', 'mfa-false'], principals: [`arn:aws:iam::${ACCT}:root`] }]);
});

/** Identity policies, with a trust policy that delegates to the account and sets no condition. */
const openTrust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' });
const identityCases: Array<[string, object[], boolean]> = [
  ['inline policy with MFA (the setup layout)', [doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE, Condition: MFA })], true],
  ['inline policy without MFA', [doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE })], false],
  ['AdministratorAccess-like', [doc({ Effect: 'Allow', Action: '*', Resource: '*' })], false],
  ['other role only', [doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCT}:role/other` })], true],
  ['wildcard role resource', [doc({ Effect: 'Allow', Action: 'sts:Assume*', Resource: `arn:aws:iam::${ACCT}:role/*` })], false],
  ['read-only plus a deny without MFA', [doc({ Effect: 'Allow', Action: '*', Resource: '*' }), doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })], true],
  ['nothing', [], true],
];

for (const [name, identity, requiresMfa] of identityCases) {
  test(`identity policies, ${name}: ${requiresMfa ? 'no' : 'a'} path without MFA, as iam-simulate agrees`, async () => {
    const gaps = identityPolicyMfaGaps(identity.map((document, i) => ({ name: `p${i}`, document })), ROLE);
    assert.equal(gaps.length === 0, requiresMfa);
    const outcomes = await Promise.all(NO_MFA_CONTEXTS.map((c) => simulate(openTrust, identity, c)));
    assert.equal(outcomes.every((o) => o !== 'Allowed'), requiresMfa, `iam-simulate: ${outcomes.join(', ')}`);
    // and with MFA, the setup layout is allowed
    if (name.startsWith('inline policy with MFA')) assert.equal(await simulate(openTrust, identity, { 'aws:MultiFactorAuthPresent': 'true' }), 'Allowed');
  });
}
