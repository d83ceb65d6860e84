import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetProfilesBefore, profileBefore, profilesBeforePath, recordProfilesBefore, usersOwnValues } from './profilesBefore.js';

test('the first record of a profile wins; forgetting the last one removes the file', async () => {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-before-'));
  try {
    const env = { HOME: home };
    const config = join(home, '.aws', 'config');
    await recordProfilesBefore(env, config, { default: { region: 'eu-west-1' }, admin: {} });
    assert.equal(statSync(profilesBeforePath(env)).mode & 0o777, 0o600);
    await recordProfilesBefore(env, config, { default: { region: 'us-east-1' }, ops: { region: 'ap-south-1' } });
    assert.deepEqual(await profileBefore(env, config, 'default'), { region: 'eu-west-1' });
    assert.deepEqual(await profileBefore(env, config, 'admin'), {});
    assert.deepEqual(await profileBefore(env, config, 'ops'), { region: 'ap-south-1' });
    assert.equal(await profileBefore(env, join(home, 'other-config'), 'default'), undefined, 'records are per config file');
    await recordProfilesBefore(env, join(home, 'other-config'), { default: {} });
    await forgetProfilesBefore(env, config);
    assert.equal(await profileBefore(env, config, 'ops'), undefined, 'all of the file is forgotten');
    assert.equal(existsSync(profilesBeforePath(env)), true, 'another file is still recorded');
    await forgetProfilesBefore(env, join(home, 'other-config'));
    assert.equal(existsSync(profilesBeforePath(env)), false);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
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
