import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProfileValues, SharedProfiles } from './profiles.js';
import { describeProfile } from './profileSpec.js';
import { isUserError } from '../userError.js';

function shared(config: Record<string, ProfileValues>, credentials: Record<string, ProfileValues> = {}): SharedProfiles {
  return { config: new Map(Object.entries(config)), credentials: new Map(Object.entries(credentials)) };
}
const MFA = 'arn:aws:iam::123456789012:mfa/admin';
const ROLE = 'arn:aws:iam::123456789012:role/admin';

test('store layout: session profile and role profile', () => {
  const s = shared({
    default: { region: 'eu-west-1', credential_process: 'rolegate credential-process default', mfa_serial: MFA, mfa_process: 'codes' },
    admin: { credential_process: 'x', rolegate_role_arn: ROLE, rolegate_source_profile: 'default', mfa_serial: MFA, duration_seconds: '7200' },
  });
  assert.deepEqual(describeProfile(s, 'default'), {
    kind: 'session',
    profile: 'default',
    region: 'eu-west-1',
    session: { keyProfile: 'default', mfaSerial: MFA, mfaProcess: 'codes', storeHint: undefined, region: 'eu-west-1', durationSeconds: undefined },
  });
  const admin = describeProfile(s, 'admin');
  assert.equal(admin.kind, 'role');
  if (admin.kind !== 'role') return;
  assert.equal(admin.role.layout, 'store');
  assert.equal(admin.role.durationSeconds, 7200);
  assert.equal(admin.region, 'eu-west-1', 'region falls back to the key profile');
  assert.equal(admin.role.session.mfaProcess, 'codes', 'mfa_process falls back to the key profile');
});

test("guide layout: the key profile borrows mfa_serial and mfa_process from its role profile", () => {
  const s = shared(
    { default: { region: 'us-east-1' }, admin: { role_arn: ROLE, source_profile: 'default', mfa_serial: MFA, mfa_process: 'codes' } },
    { default: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x' } },
  );
  const def = describeProfile(s, 'default');
  assert.equal(def.kind === 'session' && def.session.mfaSerial, MFA);
  assert.equal(def.kind === 'session' && def.session.mfaProcess, 'codes');
  const admin = describeProfile(s, 'admin');
  assert.equal(admin.kind === 'role' && admin.role.layout, 'guide');
  assert.equal(admin.kind === 'role' && admin.role.ownMfaSerial, MFA);
});

test('bad profiles are bad input (exit 2) with a next step', () => {
  const cases: Array<[SharedProfiles, string, RegExp]> = [
    [shared({}), 'x', /no profile named x/],
    [shared({ admin: { role_arn: ROLE } }), 'admin', /no source_profile/],
    [shared({ default: { region: 'us-east-1' } }), 'default', /holds no credentials/],
    [shared({ admin: { role_arn: ROLE, source_profile: 'other' } }), 'admin', /profile other, which does not exist/],
    [shared({ a: { role_arn: ROLE, source_profile: 'b', mfa_serial: MFA }, b: { role_arn: ROLE, source_profile: 'a' } }), 'a', /form a loop \(a → b → a\)/],
    [shared({ a: { role_arn: ROLE, source_profile: 'b', credential_source: 'Environment' }, b: {} }), 'a', /both source_profile and credential_source/],
    [shared({ a: { role_arn: ROLE, credential_source: 'Vault' } }), 'a', /credential_source Vault .* not one rolegate serves/],
    [shared({ a: { role_arn: ROLE, source_profile: 'b', mfa_serial: MFA, duration_seconds: '1h' }, b: {} }), 'a', /not a whole number/],
  ];
  for (const [s, name, pattern] of cases) {
    assert.throws(() => describeProfile(s, name), (e: unknown) => isUserError(e) && e.exitCode === 2 && pattern.test(e.message) && Boolean(e.next));
  }
});

test('every kind the AWS CLI understands gets its own spec', () => {
  const s = shared(
    {
      base: { region: 'us-east-1' },
      hop: { role_arn: ROLE, source_profile: 'admin', external_id: 'x', role_session_name: 'n', duration_seconds: '900' },
      admin: { role_arn: ROLE, source_profile: 'static' },
      env: { role_arn: ROLE, credential_source: 'Environment', mfa_serial: MFA },
      tool: { credential_process: '/usr/bin/tool --json' },
      work: { sso_session: 'corp', sso_account_id: '123456789012', sso_role_name: 'Admin' },
      legacy: { sso_start_url: 'https://x.awsapps.com/start', sso_region: 'eu-west-1', sso_account_id: '123456789012', sso_role_name: 'Admin' },
      orgadmin: { role_arn: ROLE, source_profile: 'work' },
      console: { login_session: 'arn:aws:iam::123456789012:user/me', region: 'eu-west-1' },
    },
    { static: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x' }, temp: { aws_access_key_id: 'ASIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x', aws_session_token: 't' } },
  );
  s.ssoSessions = new Map([['corp', { sso_start_url: 'https://corp.awsapps.com/start', sso_region: 'us-east-1', sso_registration_scopes: 'sso:account:access, x' }]]);
  const kind = (name: string) => describeProfile(s, name);
  assert.deepEqual(kind('static'), { kind: 'static', profile: 'static', region: undefined, static: { profile: 'static', keyFile: 'credentials', hasSessionToken: false } });
  assert.equal((kind('temp') as { static: { hasSessionToken: boolean } }).static.hasSessionToken, true);
  assert.deepEqual(kind('hop'), {
    kind: 'assume-role',
    profile: 'hop',
    region: undefined,
    assumeRole: { profile: 'hop', roleArn: ROLE, base: { kind: 'profile', profile: 'admin' }, durationSeconds: 900, roleSessionName: 'n', externalId: 'x' },
  });
  assert.deepEqual((kind('env') as { assumeRole: unknown }).assumeRole, { profile: 'env', roleArn: ROLE, base: { kind: 'credential_source', name: 'Environment' }, mfaSerial: MFA });
  assert.deepEqual(kind('tool'), { kind: 'process', profile: 'tool', region: undefined, process: { profile: 'tool', command: '/usr/bin/tool --json' } });
  const work = kind('work');
  assert.deepEqual(work.kind === 'sso' && work.sso, { profile: 'work', sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'us-east-1', registrationScopes: ['sso:account:access', 'x'], accountId: '123456789012', roleName: 'Admin' });
  const legacy = kind('legacy');
  assert.equal(legacy.kind === 'sso' && legacy.sso.ssoRegion, 'eu-west-1');
  assert.equal(kind('orgadmin').kind, 'assume-role');
  assert.deepEqual(kind('console'), { kind: 'login', profile: 'console', region: 'eu-west-1', login: { profile: 'console', loginSession: 'arn:aws:iam::123456789012:user/me', region: 'eu-west-1' } });
});
