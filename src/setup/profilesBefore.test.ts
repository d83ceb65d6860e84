import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetProfilesBefore, profileRecord, profileRestore, profilesBeforePath, recordProfiles, usersOwnValues } from './profilesBefore.js';

test('before is recorded once, written on every run; forgetting the last file removes the record', async () => {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-before-'));
  try {
    const env = { HOME: home };
    const config = join(home, '.aws', 'config');
    await recordProfiles(env, config, { default: { before: { region: 'eu-west-1' }, written: { region: 'us-east-1' } }, admin: { before: {}, written: { region: 'us-east-1' } } });
    assert.equal(statSync(profilesBeforePath(env)).mode & 0o777, 0o600);
    await recordProfiles(env, config, { default: { before: { region: 'us-east-1' }, written: { region: 'ap-south-1' } } });
    assert.deepEqual(await profileRecord(env, config, 'default'), { before: { region: 'eu-west-1' }, written: { region: 'ap-south-1' } });
    assert.deepEqual(await profileRecord(env, config, 'admin'), { before: {}, written: { region: 'us-east-1' } });
    assert.equal(await profileRecord(env, join(home, 'other-config'), 'default'), undefined, 'records are per config file');
    await recordProfiles(env, join(home, 'other-config'), { default: { before: {}, written: {} } });
    await forgetProfilesBefore(env, config, ['default']);
    assert.equal(await profileRecord(env, config, 'default'), undefined, 'the profile torn down is forgotten');
    assert.deepEqual(await profileRecord(env, config, 'admin'), { before: {}, written: { region: 'us-east-1' } }, 'another profile stays');
    await forgetProfilesBefore(env, config, ['admin']);
    assert.equal(existsSync(profilesBeforePath(env)), true, 'another file is still recorded');
    await forgetProfilesBefore(env, join(home, 'other-config'), ['default']);
    assert.equal(existsSync(profilesBeforePath(env)), false);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('profileRestore: setup\'s keys go back to their value before setup or go; what the user changed since stays', () => {
  const written = { region: 'us-east-1', role_arn: 'arn:aws:iam::123456789012:role/admin', mfa_serial: 'arn:aws:iam::123456789012:mfa/admin' };
  // untouched since setup, nothing before: the section goes
  assert.deepEqual(profileRestore({ ...written }, { before: {}, written }), { set: {}, unset: ['region', 'role_arn', 'mfa_serial'], remove: true });
  // a region of the user's before setup comes back
  assert.deepEqual(profileRestore({ ...written }, { before: { region: 'eu-west-1' }, written }), { set: { region: 'eu-west-1' }, unset: ['role_arn', 'mfa_serial'], remove: false });
  // changed after setup (region) or added after setup (duration_seconds): the user's now
  assert.deepEqual(profileRestore({ ...written, region: 'eu-north-1', duration_seconds: '7200' }, { before: { region: 'eu-west-1' }, written }), {
    set: {},
    unset: ['role_arn', 'mfa_serial'],
    remove: false,
  });
  // other keys of the user's keep the section
  assert.equal(profileRestore({ ...written, output: 'json' }, { before: {}, written }).remove, false);
  // no record (a setup from before records were kept): every layout key goes
  assert.deepEqual(profileRestore({ region: 'eu-north-1', role_arn: 'x' }, undefined), { set: {}, unset: ['region', 'role_arn'], remove: true });
});

const ROLE = 'arn:aws:iam::123456789012:role/admin';
const SERIAL = 'arn:aws:iam::123456789012:mfa/admin';

test("usersOwnValues keeps the user's own keys and leaves out setup's, even without a record of an earlier run", () => {
  const setup = { roleArn: ROLE, mfaSerial: SERIAL, readProfile: 'default' };
  // the user's own: another region, a role of their own, other keys setup does not write
  assert.deepEqual(
    usersOwnValues({ region: 'eu-west-1', output: 'json', role_arn: 'arn:aws:iam::123456789012:role/theirs', s3: { max_concurrent_requests: '4' } }, { ...setup, wanted: { region: 'us-east-1', role_arn: ROLE } }),
    { region: 'eu-west-1', role_arn: 'arn:aws:iam::123456789012:role/theirs' },
  );
  // an earlier setup's guide layout, now replaced by the store layout: nothing of it is the user's
  assert.deepEqual(
    usersOwnValues({ region: 'us-east-1', role_arn: ROLE, source_profile: 'default', mfa_serial: SERIAL, duration_seconds: '7200' }, { ...setup, wanted: { region: 'us-east-1', duration_seconds: '7200' } }),
    { region: 'us-east-1' },
  );
  // an earlier store layout
  assert.deepEqual(
    usersOwnValues(
      { credential_process: "'/usr/bin/node' '/opt/rolegate/main.cjs' credential-process admin", rolegate_role_arn: ROLE, rolegate_source_profile: 'default', mfa_serial: SERIAL },
      { ...setup, wanted: {} },
    ),
    {},
  );
  assert.deepEqual(usersOwnValues({ credential_process: 'aws-vault export --format=json admin' }, { ...setup, wanted: {} }), { credential_process: 'aws-vault export --format=json admin' });
  assert.deepEqual(usersOwnValues(undefined, { ...setup, wanted: {} }), {});
});

test('teardown removes an mfa_process setup wrote (or puts back the one before), and keeps one it did not write', () => {
  const written = { region: 'us-east-1', mfa_serial: 'arn:aws:iam::123456789012:mfa/admin', mfa_process: 'ykman oath accounts code --single AWS:admin@123456789012' };
  assert.deepEqual(profileRestore({ ...written }, { before: {}, written }), { set: {}, unset: ['region', 'mfa_serial', 'mfa_process'], remove: true });
  assert.deepEqual(profileRestore({ ...written }, { before: { mfa_process: 'my-otp-tool' }, written }).set, { mfa_process: 'my-otp-tool' });
  const notOurs = { region: 'us-east-1', mfa_serial: written.mfa_serial };
  assert.deepEqual(profileRestore({ ...notOurs, mfa_process: 'my-otp-tool' }, { before: {}, written: notOurs }), { set: {}, unset: ['region', 'mfa_serial'], remove: false });
  assert.deepEqual(profileRestore({ ...notOurs, mfa_process: 'my-otp-tool' }, undefined).unset, ['region', 'mfa_serial'], 'without a record an optional key is not known to be setup\'s');
});
