import { test } from 'node:test';
import assert from 'node:assert/strict';
// AGPL, a devDependency: used here to evaluate the documents, never imported by shipped code.
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { assumeRolePolicy } from './assumeRolePolicy.js';
import { trustPolicy, type TrustScope } from './trustPolicy.js';
import { canonicalPolicy, parsePolicyDocument, samePolicy } from './policyDocument.js';
import { managedPolicyArn } from './arns.js';

const ACCOUNT = '123456789012';
const USER = `arn:aws:iam::${ACCOUNT}:user/admin`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/admin`;

async function assumeRole(trust: TrustScope, context: Record<string, string>, resource = ROLE) {
  const simulation: Simulation = {
    request: { principal: USER, action: 'sts:AssumeRole', resource: { resource, accountId: ACCOUNT }, contextVariables: context },
    identityPolicies: [{ name: 'admin', policy: assumeRolePolicy({ account: ACCOUNT, roleName: 'admin' }) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: trustPolicy({ account: ACCOUNT, trust, userName: 'admin' }),
  };
  const result = await runSimulation(simulation, {});
  assert.notEqual(result.resultType, 'error', JSON.stringify(result));
  return result.resultType === 'error' ? 'error' : result.overallResult;
}

for (const trust of ['account', 'user'] as const) {
  test(`trust ${trust}: AssumeRole is allowed with MFA`, async () => {
    assert.equal(await assumeRole(trust, { 'aws:MultiFactorAuthPresent': 'true' }), 'Allowed');
  });
  test(`trust ${trust}: AssumeRole is denied without MFA`, async () => {
    assert.notEqual(await assumeRole(trust, {}), 'Allowed');
  });
  test(`trust ${trust}: AssumeRole is denied with MFA false`, async () => {
    assert.notEqual(await assumeRole(trust, { 'aws:MultiFactorAuthPresent': 'false' }), 'Allowed');
  });
}

test('the inline policy allows that one role only', async () => {
  const other = `arn:aws:iam::${ACCOUNT}:role/other`;
  const simulation: Simulation = {
    request: { principal: USER, action: 'sts:AssumeRole', resource: { resource: other, accountId: ACCOUNT }, contextVariables: { 'aws:MultiFactorAuthPresent': 'true' } },
    identityPolicies: [{ name: 'admin', policy: assumeRolePolicy({ account: ACCOUNT, roleName: 'admin' }) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] },
  };
  const result = await runSimulation(simulation, {});
  assert.equal(result.resultType === 'error' ? 'error' : result.overallResult, 'ImplicitlyDenied');
});

test('trust account names the account root; trust user names the user only', () => {
  assert.deepEqual(trustPolicy({ account: ACCOUNT, trust: 'account', userName: 'admin' }).Statement[0]?.Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
  assert.deepEqual(trustPolicy({ account: ACCOUNT, trust: 'user', userName: 'admin' }).Statement[0]?.Principal, { AWS: USER });
});

test('documents compare by meaning: URL-encoded, reordered keys, one-element arrays', () => {
  const doc = assumeRolePolicy({ account: ACCOUNT, roleName: 'admin' });
  const spelled = encodeURIComponent(
    JSON.stringify({ Statement: [{ Resource: [ROLE], Action: ['sts:AssumeRole'], Effect: 'Allow', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }], Version: '2012-10-17' }),
  );
  assert.ok(samePolicy(parsePolicyDocument(spelled), doc));
  assert.ok(!samePolicy(parsePolicyDocument(spelled), assumeRolePolicy({ account: ACCOUNT, roleName: 'other' })));
  assert.equal(parsePolicyDocument('%%not json'), undefined);
  assert.equal(canonicalPolicy({ b: [1], a: 2 }), '{"a":2,"b":1}');
});

test('managed policy names map to AWS ARNs', () => {
  assert.equal(managedPolicyArn('SecurityAudit'), 'arn:aws:iam::aws:policy/SecurityAudit');
  assert.equal(managedPolicyArn('ViewOnlyAccess'), 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess');
  assert.equal(managedPolicyArn('arn:aws:iam::123456789012:policy/mine'), 'arn:aws:iam::123456789012:policy/mine');
});
