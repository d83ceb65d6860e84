import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SharedProfiles } from '../config/profiles.js';
import { isUserError } from '../userError.js';
import type { KnownSetup } from './knownSetups.js';
import { setupsFromProfiles } from './knownSetups.js';
import { pickSetup, type ResolveRequest } from './resolveSetup.js';

const setup = (readProfile: string, adminProfile: string, userName: string, roleName: string): KnownSetup => ({
  recorded: true,
  configFile: '/home/u/.aws/config',
  readProfile,
  adminProfile,
  account: '123456789012',
  partition: 'aws',
  userName,
  userArn: `arn:aws:iam::123456789012:user/${userName}`,
  roleName,
  roleArn: `arn:aws:iam::123456789012:role/${roleName}`,
  mfaSerial: `arn:aws:iam::123456789012:mfa/${userName}`,
  store: 'plain',
});
const FIRST = setup('default', 'admin', 'admin', 'admin');
const SECOND = setup('ro2', 'admin2', 'ro2', 'admin2');
const ALL_FLAGS = { profile: '--profile', adminProfile: '--admin-profile', userName: '--user-name', roleName: '--role-name' } as const;
const ask = (given: ResolveRequest['given']): ResolveRequest => ({ command: 'teardown', flags: ALL_FLAGS, given });

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(isUserError(error));
    assert.equal(error.exitCode, 2);
    return `${error.message}\nnext: ${error.next}`;
  }
  assert.fail('expected a refusal');
}

test('any one name picks its setup; the others come from the record', () => {
  for (const given of [{ profile: 'ro2' }, { adminProfile: 'admin2' }, { userName: 'ro2' }, { roleName: 'admin2' }, { profile: 'ro2', roleName: 'admin2' }]) {
    const { setup: found, names } = pickSetup([FIRST, SECOND], ask(given));
    assert.equal(found, SECOND);
    assert.deepEqual(names, { profile: 'ro2', adminProfile: 'admin2', userName: 'ro2', roleName: 'admin2' });
  }
});

test('no name: the only setup, whatever its names; none known: the old defaults', () => {
  assert.equal(pickSetup([SECOND], ask({})).setup, SECOND);
  assert.deepEqual(pickSetup([], ask({})).names, { profile: 'default', adminProfile: 'admin', userName: 'admin', roleName: 'admin' });
});

test('no name and several setups: both listed, and the flag to add', () => {
  const message = refusal(() => pickSetup([FIRST, SECOND], ask({})));
  assert.match(message, /there are 2 setups here, and teardown acts on one:\n  - profiles default, admin: .*\n  - profiles ro2, admin2: /);
  assert.match(message, /next: name one, e\.g\. rolegate teardown --profile ro2/);
  // an operand is shown as one
  assert.match(refusal(() => pickSetup([FIRST, SECOND], { command: 'rotate', flags: { profile: 'PROFILE' }, given: {} })), /rolegate rotate ro2$/);
});

test('a name contradicting the setup another name picks is refused, naming both', () => {
  const message = refusal(() => pickSetup([FIRST, SECOND], ask({ profile: 'ro2', roleName: 'admin' })));
  assert.match(message, /--profile ro2 is the setup with role admin2 .* but --role-name admin was given, which is the role of another setup \(profiles default, admin/);
});

test('names of no known setup: used as given, but a default that belongs to another setup is refused', () => {
  assert.deepEqual(pickSetup([], ask({ userName: 'work' })).names, { profile: 'default', adminProfile: 'admin', userName: 'work', roleName: 'admin' });
  const message = refusal(() => pickSetup([FIRST], ask({ userName: 'work' })));
  assert.match(message, /no setup rolegate knows has user work; the read-only profile was not named, and its default default is the setup with user admin \(profiles default, admin/);
  assert.match(message, /next: name the read-only profile with --profile, or leave out --user-name to act on that setup/);
  assert.deepEqual(pickSetup([FIRST], { command: 'import', flags: { profile: 'PROFILE' }, given: { profile: 'other' } }).names.profile, 'other');
});

test('setups an earlier version made are found from their profiles; a role sourced from SSO is not one', async () => {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-setups-'));
  try {
    const env = { HOME: home };
    const shared: SharedProfiles = {
      config: new Map<string, Record<string, string>>([
        ['work', { sso_start_url: 'https://example.awsapps.com/start', sso_account_id: '111122223333' }],
        ['admin', { role_arn: 'arn:aws:iam::111122223333:role/OrgAdmin', source_profile: 'work' }],
        ['default', { region: 'us-east-1' }],
        ['rg-admin', { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'default', mfa_serial: 'arn:aws:iam::123456789012:mfa/admin' }],
        ['ro2', { credential_process: 'rolegate credential-process ro2', mfa_serial: 'arn:aws:iam::123456789012:mfa/ro2', rolegate_store: 'file' }],
        ['admin2', { credential_process: 'rolegate credential-process admin2', rolegate_role_arn: 'arn:aws:iam::123456789012:role/admin2', rolegate_source_profile: 'ro2' }],
      ]),
      credentials: new Map([['default', { aws_access_key_id: 'AKIAEXAMPLEDEFAULT', aws_secret_access_key: 'x' }]]),
    };
    const found = await setupsFromProfiles(shared, join(home, '.aws', 'config'), env, new Set());
    assert.deepEqual(
      found.map((s) => [s.readProfile, s.adminProfile, s.userName, s.roleName, s.account, s.store, s.accessKeyId]),
      [
        ['default', 'rg-admin', 'admin', 'admin', '123456789012', 'plain', 'AKIAEXAMPLEDEFAULT'],
        ['ro2', 'admin2', 'ro2', 'admin2', '123456789012', 'file', undefined],
      ],
    );
    // profiles a record covers are not found twice
    assert.deepEqual((await setupsFromProfiles(shared, join(home, '.aws', 'config'), env, new Set(['ro2', 'admin2']))).map((s) => s.readProfile), ['default']);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
