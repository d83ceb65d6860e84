import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IAMClient } from '@aws-sdk/client-iam';
import { auditAccount } from './accountAudit.js';

type Handler = (input: Record<string, unknown>) => unknown;

function fakeIam(handlers: Record<string, Handler>): { iam: IAMClient; calls: string[] } {
  const calls: string[] = [];
  const iam = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push(name);
      const handler = handlers[name];
      if (!handler) throw Object.assign(new Error(`not allowed: ${name}`), { name: 'AccessDenied' });
      return handler(command.input);
    },
  } as unknown as IAMClient;
  return { iam, calls };
}

const REPORT = 'user,arn,password_enabled,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active\n' +
  '<root_account>,arn:aws:iam::123456789012:root,not_supported,true,false,N/A,N/A,false\n' +
  'carol,arn:aws:iam::123456789012:user/carol,true,false,false,N/A,N/A,false\n';

test('waits for the credential report through "not ready" answers, and reports what it holds', async () => {
  let generated = 0;
  let reads = 0;
  const { iam } = fakeIam({
    GetAccountSummary: () => ({ SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0 } }),
    GenerateCredentialReport: () => ({ State: ++generated < 2 ? 'STARTED' : 'COMPLETE' }),
    GetCredentialReport: () => {
      if (++reads === 1) throw Object.assign(new Error('in progress'), { name: 'CredentialReportNotReadyException' });
      return { Content: new TextEncoder().encode(REPORT) };
    },
    ListEntitiesForPolicy: () => ({ PolicyUsers: [], IsTruncated: false }),
    ListRoles: () => ({ Roles: [], IsTruncated: false }),
  });
  const result = await auditAccount(iam, { accountId: '123456789012', reportTimeoutMs: 10_000 });
  assert.deepEqual(result.notes, []);
  assert.deepEqual(result.findings.map((f) => [f.id, f.where]), [['account.console-without-mfa', 'arn:aws:iam::123456789012:user/carol']]);
  assert.equal(generated, 2);
});

test('a check IAM refuses becomes a note; the others still run; roles are paged and service-linked ones skipped', async () => {
  const trust = (principal: unknown, condition?: unknown) =>
    encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }] }));
  const pages = [
    { Roles: [{ RoleName: 'open', Arn: 'arn:aws:iam::123456789012:role/open', Path: '/', AssumeRolePolicyDocument: trust({ AWS: '123456789012' }) }], IsTruncated: true, Marker: 'next' },
    {
      Roles: [
        { RoleName: 'partner', Arn: 'arn:aws:iam::123456789012:role/partner', Path: '/', AssumeRolePolicyDocument: trust({ AWS: 'arn:aws:iam::999999999999:root' }, { StringEquals: { 'sts:ExternalId': 'x' } }) },
        { RoleName: 'gated', Arn: 'arn:aws:iam::123456789012:role/gated', Path: '/', AssumeRolePolicyDocument: trust({ AWS: '123456789012' }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) },
        { RoleName: 'AWSServiceRoleForX', Arn: 'arn:aws:iam::123456789012:role/aws-service-role/x/AWSServiceRoleForX', Path: '/aws-service-role/x/', AssumeRolePolicyDocument: trust({ AWS: '123456789012' }) },
        { RoleName: 'lambda', Arn: 'arn:aws:iam::123456789012:role/lambda', Path: '/', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) },
      ],
      IsTruncated: false,
    },
  ];
  const { iam } = fakeIam({
    GetAccountSummary: () => ({ SummaryMap: { AccountMFAEnabled: 0, AccountAccessKeysPresent: 1 } }),
    ListEntitiesForPolicy: () => ({ PolicyUsers: [{ UserName: 'dave' }], IsTruncated: false }),
    ListRoles: () => pages.shift(),
  });
  const result = await auditAccount(iam, { accountId: '123456789012' });
  assert.equal(result.notes.length, 1);
  assert.match(result.notes[0]!, /credential report\): not checked \(AccessDenied/);
  assert.deepEqual(
    result.findings.map((f) => `${f.id} ${f.severity} ${f.where}`),
    [
      'account.root-mfa-off critical arn:aws:iam::123456789012:root',
      'account.root-access-keys critical arn:aws:iam::123456789012:root',
      'account.user-with-admin-policy high user/dave',
      'account.role-trust-without-mfa high arn:aws:iam::123456789012:role/open',
      'account.role-trust-without-mfa medium arn:aws:iam::123456789012:role/partner',
    ],
  );
});

test('trust severity: anyone, the account or a user here is high; another account medium; roles only low', async () => {
  const { trustSeverity } = await import('./accountAudit.js');
  const here = '123456789012';
  assert.equal(trustSeverity(['*'], here), 'high');
  assert.equal(trustSeverity([here], here), 'high');
  assert.equal(trustSeverity([`arn:aws:iam::${here}:user/ci`], here), 'high');
  assert.equal(trustSeverity(['arn:aws:iam::999999999999:root'], here), 'medium');
  assert.equal(trustSeverity([`arn:aws:iam::${here}:role/ci`], here), 'low');
  assert.equal(trustSeverity([`arn:aws:iam::${here}:role/ci`, `arn:aws:iam::${here}:root`], here), 'high');
});
