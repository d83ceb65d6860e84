import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkForeignProfiles, foreignKeys } from './profileOwnership.js';

const ROLE = 'arn:aws:iam::123456789012:role/admin';
const SERIAL = 'arn:aws:iam::123456789012:mfa/admin';
const setup = { roleArn: ROLE, mfaSerials: new Set([SERIAL]), readProfile: 'default' };
const wanted = { role_arn: ROLE, source_profile: 'default', mfa_serial: SERIAL, region: 'us-east-1' };

test('foreignKeys: an SSO profile is foreign; region and keys setup never writes are not', () => {
  const values = { sso_session: 'corp', sso_role_name: 'Admin', region: 'eu-west-1', output: 'json' };
  assert.deepEqual(foreignKeys(values, { profile: 'admin', wanted, record: undefined }, setup), { sso_session: 'corp', sso_role_name: 'Admin' });
  assert.deepEqual(foreignKeys({ region: 'eu-west-1', output: 'json' }, { profile: 'default', wanted: { region: 'us-east-1' }, record: undefined }, setup), {});
});

test("foreignKeys: what setup's record names as written is ours, whatever its value now; an unrecorded different value is not", () => {
  const record = { before: {}, written: { ...wanted } };
  const drifted = { ...wanted, mfa_serial: 'arn:aws:iam::123456789012:mfa/other' };
  assert.deepEqual(foreignKeys(drifted, { profile: 'admin', wanted, record }, setup), {});
  assert.deepEqual(foreignKeys({ role_arn: 'arn:aws:iam::999999999999:role/ci', source_profile: 'ci' }, { profile: 'admin', wanted, record: undefined }, setup), {
    role_arn: 'arn:aws:iam::999999999999:role/ci',
    source_profile: 'ci',
  });
});

test('foreignKeys: values an older setup wrote (no record) are recognised as rolegate\'s', () => {
  const old = { credential_process: 'rolegate credential-process admin', rolegate_role_arn: ROLE, mfa_serial: SERIAL };
  assert.deepEqual(foreignKeys(old, { profile: 'admin', wanted, record: undefined }, setup), {});
});

test('checkForeignProfiles: a refusal names the profile, its values and the flags; --adopt takes the keys over instead', () => {
  const shared = { config: new Map([['admin', { sso_session: 'corp' }]]), credentials: new Map() };
  const targets = [{ profile: 'admin', wanted, record: undefined }];
  const refused = checkForeignProfiles(shared, '/home/me/.aws/config', targets, setup, false);
  assert.equal(refused.problems.length, 1);
  assert.match(refused.problems[0]!.message, /^\[profile admin\] in \/home\/me\/\.aws\/config is not rolegate's: it holds sso_session = corp/);
  assert.match(refused.problems[0]!.next!, /--admin-profile with another name for this setup, or --adopt/);
  assert.equal(refused.problems[0]!.refusal, true);
  const adopted = checkForeignProfiles(shared, '/home/me/.aws/config', targets, setup, true);
  assert.deepEqual(adopted.problems, []);
  assert.deepEqual(Object.fromEntries(adopted.adopted), { admin: { sso_session: 'corp' } });
});
