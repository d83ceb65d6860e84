import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetProfilesBefore, layoutValues, profileBefore, profilesBeforePath, recordProfilesBefore } from './profilesBefore.js';

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
    await forgetProfilesBefore(env, config, ['default', 'admin']);
    assert.equal(await profileBefore(env, config, 'default'), undefined);
    assert.equal(existsSync(profilesBeforePath(env)), true);
    await forgetProfilesBefore(env, config, ['ops']);
    assert.equal(existsSync(profilesBeforePath(env)), false);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('layoutValues keeps only the keys setup writes, and only text values', () => {
  assert.deepEqual(layoutValues({ region: 'eu-west-1', output: 'json', s3: { max_concurrent_requests: '4' }, mfa_serial: 'arn:aws:iam::123456789012:mfa/me' }), {
    region: 'eu-west-1',
    mfa_serial: 'arn:aws:iam::123456789012:mfa/me',
  });
  assert.deepEqual(layoutValues(undefined), {});
});
