import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileChanges, profileLayout, roleChainSummary } from './profileLayout.js';

const base = {
  region: 'eu-west-1',
  readProfile: 'default',
  adminProfile: 'admin',
  roleArn: 'arn:aws:iam::123456789012:role/admin',
  mfaSerial: 'arn:aws:iam::123456789012:mfa/admin',
  roleDuration: 3600,
  roleChain: 'session' as const,
  credentialProcess: (p: string) => `rolegate credential-process ${p}`,
};

test('plain layout: the guide profiles, no duration at the default', () => {
  const layout = profileLayout({ ...base, store: 'plain' });
  assert.deepEqual(Object.fromEntries(layout), {
    default: { region: 'eu-west-1' },
    admin: { role_arn: base.roleArn, source_profile: 'default', mfa_serial: base.mfaSerial, region: 'eu-west-1' },
  });
});

test('session chain: a role allowed 12 h still gets 1 h role sessions (no duration_seconds), and the plan line says why', () => {
  for (const store of ['keychain', 'plain'] as const) {
    const admin = profileLayout({ ...base, store, roleDuration: 43200 }).get('admin')!;
    assert.equal(admin.duration_seconds, undefined, store);
    assert.equal(admin.rolegate_role_chain, undefined, store);
  }
  assert.match(roleChainSummary({ ...base, roleDuration: 43200 }), /session chain\): role sessions of 1 h.*the role allows 12 h, but AWS limits a role assumed with the MFA session to 1 h; --role-chain direct/);
});

test('store layout: credential_process, never role_arn beside it; the direct chain with its duration when not 3600', () => {
  const layout = profileLayout({ ...base, store: 'keychain', roleDuration: 7200, roleChain: 'direct' });
  assert.deepEqual(layout.get('default'), {
    region: 'eu-west-1',
    credential_process: 'rolegate credential-process default',
    mfa_serial: base.mfaSerial,
    rolegate_store: 'keychain',
  });
  const admin = layout.get('admin')!;
  assert.equal(admin.role_arn, undefined);
  assert.equal(admin.rolegate_role_arn, base.roleArn);
  assert.equal(admin.duration_seconds, '7200');
  assert.equal(admin.rolegate_role_chain, 'direct');
  assert.equal(admin.credential_process, 'rolegate credential-process admin');
  assert.match(roleChainSummary({ ...base, roleDuration: 7200, roleChain: 'direct' }), /direct chain\): role sessions of 2 h, one MFA code each/);
});

test('changes: missing and different values are set, stale layout keys unset, foreign keys kept', () => {
  const layout = profileLayout({ ...base, store: 'keychain' });
  const current: Record<string, Record<string, string>> = {
    default: { region: 'eu-west-1', output: 'json' },
    admin: { role_arn: 'x', source_profile: 'default', mfa_serial: base.mfaSerial, region: 'us-east-1' },
  };
  const changes = profileChanges(layout, (p) => current[p]);
  assert.deepEqual(changes, [
    { profile: 'default', set: { credential_process: 'rolegate credential-process default', mfa_serial: base.mfaSerial, rolegate_store: 'keychain' }, unset: [] },
    {
      profile: 'admin',
      set: { region: 'eu-west-1', credential_process: 'rolegate credential-process admin', rolegate_role_arn: base.roleArn, rolegate_source_profile: 'default' },
      unset: ['role_arn', 'source_profile'],
    },
  ]);
  assert.deepEqual(profileChanges(layout, (p) => Object.fromEntries(Object.entries(layout.get(p)!))), []);
});

test("mfa_process (--mfa-device yubikey) goes to every profile naming mfa_serial, and a setup not asked for it never unsets a person's own", async () => {
  const { yubikeyCodeCommand } = await import('../prompt/yubikeyOath.js');
  const command = yubikeyCodeCommand({ serial: '12345678' }, 'admin@123456789012');
  assert.equal(command, 'ykman --device 12345678 oath accounts code --single AWS:admin@123456789012');
  assert.equal(yubikeyCodeCommand({}, "o'brien@123456789012"), "ykman oath accounts code --single 'AWS:o'\\''brien@123456789012'");
  const store = profileLayout({ ...base, store: 'keychain', mfaProcess: command });
  assert.equal(store.get('default')!.mfa_process, command);
  assert.equal(store.get('admin')!.mfa_process, command);
  const plain = profileLayout({ ...base, store: 'plain', mfaProcess: command });
  assert.equal(plain.get('default')!.mfa_process, undefined, 'the plain read profile names no MFA device');
  assert.equal(plain.get('admin')!.mfa_process, command);
  const without = profileLayout({ ...base, store: 'keychain' });
  const changes = profileChanges(without, () => ({ ...Object.fromEntries(Object.entries(without.get('default')!)), mfa_process: 'my-otp-tool' }));
  assert.deepEqual(changes.find((c) => c.profile === 'default'), undefined, "a person's mfa_process is left alone");
});
