import { test } from 'node:test';
import assert from 'node:assert/strict';
// AGPL, a devDependency: used here to evaluate the documents, never imported by shipped code.
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { assumeRolePolicy } from './assumeRolePolicy.js';
import { trustPolicy, type TrustScope } from './trustPolicy.js';
import { canonicalPolicy, parsePolicyDocument, samePolicy } from './policyDocument.js';
import { managedPolicyArn, managedPolicyPath } from './arns.js';

const ACCOUNT = '123456789012';
const USER = `arn:aws:iam::${ACCOUNT}:user/admin`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/admin`;

async function assumeRole(trust: TrustScope, context: Record<string, string>, resource = ROLE) {
  const simulation: Simulation = {
    request: { principal: USER, action: 'sts:AssumeRole', resource: { resource, accountId: ACCOUNT }, contextVariables: context },
    identityPolicies: [{ name: 'admin', policy: assumeRolePolicy({ partition: 'aws', account: ACCOUNT, roleName: 'admin' }) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: trustPolicy({ partition: 'aws', account: ACCOUNT, trust, userName: 'admin' }),
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
    identityPolicies: [{ name: 'admin', policy: assumeRolePolicy({ partition: 'aws', account: ACCOUNT, roleName: 'admin' }) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] },
  };
  const result = await runSimulation(simulation, {});
  assert.equal(result.resultType === 'error' ? 'error' : result.overallResult, 'ImplicitlyDenied');
});

test('trust account names the account root; trust user names the user only', () => {
  assert.deepEqual(trustPolicy({ partition: 'aws', account: ACCOUNT, trust: 'account', userName: 'admin' }).Statement[0]?.Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
  assert.deepEqual(trustPolicy({ partition: 'aws', account: ACCOUNT, trust: 'user', userName: 'admin' }).Statement[0]?.Principal, { AWS: USER });
});

test('documents compare by meaning: URL-encoded, reordered keys, one-element arrays', () => {
  const doc = assumeRolePolicy({ partition: 'aws', account: ACCOUNT, roleName: 'admin' });
  const spelled = encodeURIComponent(
    JSON.stringify({ Statement: [{ Resource: [ROLE], Action: ['sts:AssumeRole'], Effect: 'Allow', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }], Version: '2012-10-17' }),
  );
  assert.ok(samePolicy(parsePolicyDocument(spelled), doc));
  assert.ok(!samePolicy(parsePolicyDocument(spelled), assumeRolePolicy({ partition: 'aws', account: ACCOUNT, roleName: 'other' })));
  assert.equal(parsePolicyDocument('%%not json'), undefined);
  assert.equal(canonicalPolicy({ b: [1], a: 2 }), '{"a":2,"b":1}');
});

test('managed policy names map to AWS ARNs in the caller\'s partition', () => {
  assert.equal(managedPolicyArn('SecurityAudit', 'aws'), 'arn:aws:iam::aws:policy/SecurityAudit');
  assert.equal(managedPolicyArn('SecurityAudit', 'aws-us-gov'), 'arn:aws-us-gov:iam::aws:policy/SecurityAudit');
  assert.equal(managedPolicyArn('AdministratorAccess', 'aws-cn'), 'arn:aws-cn:iam::aws:policy/AdministratorAccess');
  assert.equal(managedPolicyArn('ViewOnlyAccess', 'aws'), 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess');
  assert.equal(managedPolicyArn('arn:aws:iam::123456789012:policy/mine', 'aws-us-gov'), 'arn:aws:iam::123456789012:policy/mine');
  assert.equal(managedPolicyPath('arn:aws-us-gov:iam::aws:policy/job-function/Billing'), 'job-function/Billing');
  assert.equal(managedPolicyPath('arn:aws:iam::123456789012:policy/mine'), undefined);
});

test('every ARN names the partition; an existing user\'s or role\'s ARN (with its path) is used as IAM gives it', () => {
  const gov = trustPolicy({ partition: 'aws-us-gov', account: ACCOUNT, trust: 'account', userName: 'admin' });
  assert.deepEqual(gov.Statement[0]?.Principal, { AWS: `arn:aws-us-gov:iam::${ACCOUNT}:root` });
  const pathUser = `arn:aws-us-gov:iam::${ACCOUNT}:user/team/admin`;
  assert.deepEqual(trustPolicy({ partition: 'aws-us-gov', account: ACCOUNT, trust: 'user', userName: 'admin', userArn: pathUser }).Statement[0]?.Principal, { AWS: pathUser });
  assert.equal(assumeRolePolicy({ partition: 'aws-cn', account: ACCOUNT, roleName: 'admin' }).Statement[0]?.Resource, `arn:aws-cn:iam::${ACCOUNT}:role/admin`);
  const pathRole = `arn:aws:iam::${ACCOUNT}:role/ops/admin`;
  assert.equal(assumeRolePolicy({ partition: 'aws', account: ACCOUNT, roleName: 'admin', roleArn: pathRole }).Statement[0]?.Resource, pathRole);
});
