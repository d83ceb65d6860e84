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
    [shared({ default: { region: 'us-east-1' } }), 'default', /no mfa_serial/],
    [shared({ admin: { role_arn: ROLE, source_profile: 'other' } }), 'admin', /profile other, which does not exist/],
    [shared({ a: { role_arn: ROLE, source_profile: 'b', mfa_serial: MFA }, b: { role_arn: ROLE, source_profile: 'c' } }), 'a', /chains from another role profile/],
    [shared({ a: { role_arn: ROLE, source_profile: 'b', mfa_serial: MFA, duration_seconds: '1h' }, b: {} }), 'a', /not a whole number/],
  ];
  for (const [s, name, pattern] of cases) {
    assert.throws(() => describeProfile(s, name), (e: unknown) => isUserError(e) && e.exitCode === 2 && pattern.test(e.message) && Boolean(e.next));
  }
});
