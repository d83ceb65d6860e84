import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudFormationTemplate, logicalPrefixes } from './cloudFormation.js';
import { trustPolicy } from '../policy/trustPolicy.js';
import { assumeRolePolicy } from '../policy/assumeRolePolicy.js';
import { samePolicy } from '../policy/policyDocument.js';
import { SETUP_DEFAULTS } from '../setup/options.js';
import type { EmitOptions } from './iamDesign.js';

const DEFAULTS: EmitOptions = { ...SETUP_DEFAULTS };
type Resource = { Type: string; Properties: Record<string, unknown> };

/** Resolves Fn::Sub / Fn::If the way CloudFormation would, for one account and condition. */
function resolve(value: unknown, vars: Record<string, string>, trustUser: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, vars, trustUser));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Fn::Sub') return (arg as string).replace(/\$\{([\w:]+)\}/g, (_, name: string) => vars[name]!);
    if (entries.length === 1 && key === 'Fn::If') return resolve((arg as unknown[])[trustUser ? 1 : 2], vars, trustUser);
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, vars, trustUser)]));
  }
  return value;
}

for (const partition of ['aws', 'aws-us-gov', 'aws-cn']) {
  test(`the template's documents are setup's documents, once CloudFormation fills in partition (${partition}), account and names`, () => {
    const resources = cloudFormationTemplate(DEFAULTS).Resources as Record<string, Resource>;
    const vars = { 'AWS::Partition': partition, 'AWS::AccountId': '111122223333', User: 'admin', AdminRole: 'admin', ReadPolicy: 'SecurityAudit', AdminPolicy: 'AdministratorAccess' };
    for (const trust of ['account', 'user'] as const) {
      const document = resolve(resources.AdminRole!.Properties.AssumeRolePolicyDocument, vars, trust === 'user');
      assert.ok(samePolicy(document, trustPolicy({ partition, account: '111122223333', trust, userName: 'admin' })), JSON.stringify(document));
    }
    const inline = resolve(resources.AssumeRolePolicy!.Properties.PolicyDocument, vars, false);
    assert.ok(samePolicy(inline, assumeRolePolicy({ partition, account: '111122223333', roleName: 'admin' })));
    assert.deepEqual(resolve(resources.User!.Properties.ManagedPolicyArns, vars, false), [`arn:${partition}:iam::aws:policy/SecurityAudit`]);
    assert.deepEqual(resolve(resources.AdminRole!.Properties.ManagedPolicyArns, vars, false), [`arn:${partition}:iam::aws:policy/AdministratorAccess`]);
  });
}

test("every name and policy setup takes as a flag is a parameter with setup's default", () => {
  const parameters = cloudFormationTemplate({ ...DEFAULTS, readPolicy: 'ViewOnlyAccess', roleDuration: 7200 }).Parameters as Record<string, { Default: unknown }>;
  assert.deepEqual(
    Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.Default])),
    {
      UserName: 'admin',
      RoleName: 'admin',
      PolicyName: 'admin',
      ReadPolicy: 'job-function/ViewOnlyAccess',
      AdminPolicy: 'AdministratorAccess',
      RoleDuration: 7200,
      Trust: 'account',
    },
  );
});

test('a customer managed policy stays the ARN given', () => {
  const template = cloudFormationTemplate({ ...DEFAULTS, readPolicy: 'arn:aws-us-gov:iam::111122223333:policy/ours' });
  assert.equal((template.Parameters as Record<string, { Default: unknown }>).ReadPolicy!.Default, 'arn:aws-us-gov:iam::111122223333:policy/ours');
  assert.deepEqual((template.Resources as Record<string, Resource>).User!.Properties.ManagedPolicyArns, [{ Ref: 'ReadPolicy' }]);
});

test('no MFA device and no access key: only users, their inline policies and roles, tagged', () => {
  const template = cloudFormationTemplate({ ...DEFAULTS, users: ['alice', 'bob'] });
  const resources = template.Resources as Record<string, Resource>;
  assert.deepEqual(Object.keys(resources), ['AliceUser', 'AliceAssumeRolePolicy', 'AliceAdminRole', 'BobUser', 'BobAssumeRolePolicy', 'BobAdminRole']);
  assert.deepEqual(resources.BobAdminRole!.Properties.RoleName, { 'Fn::Sub': 'bob-${RoleName}' });
  for (const id of ['AliceUser', 'AliceAdminRole']) assert.deepEqual(resources[id]!.Properties.Tags, [{ Key: 'managed-by', Value: 'rolegate' }]);
  assert.ok(!('UserName' in (template.Parameters as object)));
  assert.match(template.Description as string, /No MFA device and no access key/);
});

test('logical ids from user names: letters and digits, unique', () => {
  assert.deepEqual(logicalPrefixes(['alice', 'bob.smith', 'bobsmith', '2fa', '@']), ['Alice', 'Bobsmith', 'Bobsmith3', 'Person2fa', 'Person5']);
});
