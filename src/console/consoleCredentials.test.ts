import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_ALL_POLICY, consoleSeconds, federatedUserName } from './consoleCredentials.js';
import type { CredentialSpec } from '../config/profileSpec.js';

const session = { keyProfile: 'default', mfaSerial: 'arn:aws:iam::123456789012:mfa/admin' };
const key: CredentialSpec = { kind: 'session', profile: 'default', session };
const role: CredentialSpec = { kind: 'role', profile: 'admin', role: { profile: 'admin', layout: 'store', roleArn: 'arn:aws:iam::123456789012:role/admin', mfaSerial: session.mfaSerial, session, chain: 'session' } };

test('console durations: a role from the MFA session at most 1 h (role chaining), a federated user at most 36 h', () => {
  assert.equal(consoleSeconds(role, undefined), 3600);
  assert.equal(consoleSeconds(role, 900), 900);
  assert.throws(() => consoleSeconds(role, 3601), /at most 1 hour/);
  assert.throws(() => consoleSeconds(role, 899), /out of range/);
  assert.equal(consoleSeconds(key, undefined), 3600);
  assert.equal(consoleSeconds(key, 129_600), 129_600);
  assert.throws(() => consoleSeconds(key, 129_601), /15 minutes to 36 hours/);
});

test('the federated user name fits GetFederationToken (2 to 32 of [\\w+=,.@-]); the session policy allows all', () => {
  assert.equal(federatedUserName('default'), 'rolegate-default');
  assert.equal(federatedUserName('my profile/x'), 'rolegate-my-profile-x');
  assert.equal(federatedUserName('a-very-long-profile-name-beyond-the-limit').length, 32);
  assert.deepEqual(JSON.parse(ALLOW_ALL_POLICY).Statement, [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
});
