import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeProfiles, roleChainBase } from './profileKind.js';
import type { ProfileValues } from './profileMap.js';

const shared = (config: Record<string, ProfileValues>, credentials: Record<string, ProfileValues> = {}) => ({
  config: new Map(Object.entries(config)),
  credentials: new Map(Object.entries(credentials)),
});

test('kinds, sources and risks', () => {
  const rows = describeProfiles(
    shared(
      {
        default: { region: 'us-east-1' },
        admin: { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'default', mfa_serial: 'arn:aws:iam::123456789012:mfa/a' },
        ops: { role_arn: 'arn:aws:iam::123456789012:role/PowerUser', source_profile: 'default' },
        reader: { role_arn: 'arn:aws:iam::123456789012:role/reader', credential_source: 'Ec2InstanceMetadata' },
        dev: { sso_session: 'corp', sso_account_id: '123456789012' },
        proc: { credential_process: '/usr/bin/vault-creds' },
        rg: { credential_process: "'/usr/bin/node' '/x/rolegate/main.js' credential-process rg", mfa_serial: 'm' },
        'rg-admin': { credential_process: 'rolegate credential-process rg-admin', rolegate_role_arn: 'arn:aws:iam::123456789012:role/admin', rolegate_source_profile: 'rg' },
      },
      { default: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x' }, tmp: { aws_access_key_id: 'ASIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x', aws_session_token: 't' } },
    ),
  );
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  assert.equal(byName.default!.kind, 'static-long-term');
  assert.match(byName.default!.risk!, /long-term access key in plaintext in the credentials file/);
  assert.equal(byName.default!.region, 'us-east-1');
  assert.deepEqual([byName.admin!.kind, byName.admin!.source, byName.admin!.risk], ['role-mfa', 'default', undefined]);
  assert.deepEqual([byName.ops!.kind, byName.ops!.risk], ['role', 'admin-looking role without mfa_serial']);
  assert.deepEqual([byName.reader!.kind, byName.reader!.source, byName.reader!.risk], ['role', 'Ec2InstanceMetadata', undefined]);
  assert.equal(byName.dev!.kind, 'sso');
  assert.equal(byName.proc!.kind, 'credential-process');
  assert.equal(byName.rg!.kind, 'rolegate-session');
  assert.deepEqual([byName['rg-admin']!.kind, byName['rg-admin']!.source, byName['rg-admin']!.risk], ['rolegate-role', 'rg', 'admin-looking role without mfa_serial']);
  assert.deepEqual([byName.tmp!.kind, byName.tmp!.risk], ['static-session', undefined]);
  assert.deepEqual(rows.map((r) => r.name), ['default', 'admin', 'ops', 'reader', 'dev', 'proc', 'rg', 'rg-admin', 'tmp']);
});

test('a role from an SSO or console sign-in, or chained from a role with mfa_serial, is no admin-without-MFA risk; the chain base is found', () => {
  const s = shared({
    work: { sso_session: 'corp', sso_account_id: '123456789012', sso_role_name: 'Admin' },
    'org-admin': { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'work' },
    console: { login_session: 'arn:aws:iam::123456789012:user/me' },
    'console-admin': { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'console' },
    reader: { role_arn: 'arn:aws:iam::123456789012:role/reader', source_profile: 'key', mfa_serial: 'arn:aws:iam::123456789012:mfa/me' },
    'deep-admin': { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'reader' },
    'plain-admin': { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'key' },
    'loop-admin': { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'loop-admin2' },
    'loop-admin2': { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'loop-admin' },
  }, { key: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x' } });
  const byName = Object.fromEntries(describeProfiles(s).map((r) => [r.name, r]));
  assert.equal(byName.console!.kind, 'login');
  for (const name of ['org-admin', 'console-admin', 'deep-admin']) assert.equal(byName[name]!.risk, undefined, name);
  assert.equal(byName['plain-admin']!.risk, 'admin-looking role without mfa_serial');
  assert.deepEqual(roleChainBase(s, 'org-admin'), { base: 'sso', profile: 'work', mfaBelow: false });
  assert.deepEqual(roleChainBase(s, 'deep-admin'), { base: 'static-long-term', profile: 'key', mfaBelow: true });
  assert.equal(roleChainBase(s, 'loop-admin').base, 'loop');
});
