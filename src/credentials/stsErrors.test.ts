import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMfaCodeRejection, stsError } from './stsErrors.js';

const denied = (message: string) => Object.assign(new Error(message), { name: 'AccessDenied' });
const context = { call: 'GetSessionToken', keyProfile: 'default', mfaSerial: 'arn:aws:iam::123456789012:mfa/admin' } as const;

test('a refused MFA code is told apart from other denials', () => {
  assert.equal(isMfaCodeRejection(denied('MultiFactorAuthentication failed with invalid MFA one time pass code. ')), true);
  assert.equal(isMfaCodeRejection(denied('MultiFactorAuthentication failed, unable to validate MFA code.')), true);
  // a denial that only names an MFA-ish user or policy is not a refused code
  assert.equal(isMfaCodeRejection(denied('User: arn:aws:iam::123456789012:user/mfa-ops is not authorized to perform: sts:GetSessionToken')), false);
  assert.equal(isMfaCodeRejection(Object.assign(new Error('MultiFactorAuthentication failed'), { name: 'ExpiredToken' })), false);
  assert.equal(isMfaCodeRejection(undefined), false);
});

test('the messages: a refused code says to wait for the next one; another denial names what was denied', () => {
  assert.match(stsError(denied('MultiFactorAuthentication failed with invalid MFA one time pass code. '), context, {}).message, /the MFA code was not accepted for arn:aws:iam::123456789012:mfa\/admin/);
  assert.match(stsError(denied('User: arn:aws:iam::123456789012:user/mfa-ops is not authorized'), context, {}).message, /AWS denied GetSessionToken for profile default/);
});

test('AWS refusing a role duration says which limit and what to change', () => {
  const assume = { call: 'AssumeRole', profile: 'admin', roleArn: 'arn:aws:iam::123456789012:role/admin', keyProfile: 'default' } as const;
  const validation = (message: string) => Object.assign(new Error(message), { name: 'ValidationError' });
  const chained = stsError(validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'), assume, {});
  assert.match(chained.message, /AWS refused the duration_seconds of profile admin/);
  assert.match(chained.next ?? '', /rolegate config set admin rolegate_role_chain direct/);
  const overMax = stsError(validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), assume, {});
  assert.match(overMax.next ?? '', /rolegate setup --role-duration N/);
});
