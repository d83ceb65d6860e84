import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { isUserError } from '../userError.js';
import { profileNames, readSharedProfiles, resolveProfile } from './profiles.js';
import { sharedFilePaths } from './sharedFilePaths.js';

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'rolegate-profiles-'));
  env = { HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

test('paths: environment (with ~ and $VAR expanded) or ~/.aws', () => {
  assert.deepEqual(sharedFilePaths({ HOME: '/h' }), { configFile: '/h/.aws/config', credentialsFile: '/h/.aws/credentials' });
  assert.deepEqual(sharedFilePaths({ HOME: '/h', X: 'x', AWS_CONFIG_FILE: '~/c', AWS_SHARED_CREDENTIALS_FILE: '/a/$X/${X}/$NOPE' }), {
    configFile: '/h/c',
    credentialsFile: '/a/x/x/$NOPE',
  });
});

test('missing files are empty', async () => {
  const shared = await readSharedProfiles(env);
  assert.equal(shared.config.size, 0);
  assert.equal(shared.credentials.size, 0);
  assert.equal(resolveProfile(shared, 'default'), undefined);
});

test('credentials-file values win key by key; names are case-sensitive', async () => {
  writeFileSync(env.AWS_CONFIG_FILE!, '[default]\nregion = us-east-1\nOutput = json\n[profile Admin]\nrole_arn = r\n[sso-session s]\nsso_region = x\n');
  writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '[default]\nregion = eu-west-1\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n[other]\nx = 1\n');
  const shared = await readSharedProfiles(env);
  assert.deepEqual(resolveProfile(shared, 'default'), { region: 'eu-west-1', output: 'json', aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE' });
  assert.equal(resolveProfile(shared, 'admin'), undefined);
  assert.deepEqual(resolveProfile(shared, 'Admin'), { role_arn: 'r' });
  assert.deepEqual(profileNames(shared), ['default', 'Admin', 'other']);
  assert.deepEqual(shared.ssoSessions?.get('s'), { sso_region: 'x' });
});

test('a file botocore cannot parse is a UserError naming file and line, without the line text', async () => {
  writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '[default]\naws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
  await assert.rejects(readSharedProfiles(env), (e: unknown) => {
    assert.ok(isUserError(e));
    assert.match(e.message, /credentials line 2/);
    assert.doesNotMatch(e.message + (e.next ?? ''), /wJalr/);
    return true;
  });
});
