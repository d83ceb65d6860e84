import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsTransientError, isAwsTransientError } from './networkErrors.js';
import { UserError } from '../userError.js';

const init = {
  kind: 'refused' as const,
  endpoint: { service: 'signin', url: 'https://signin.aws.amazon.com' },
  operation: 'signin:CreateOAuth2Token',
  mayHaveRun: false,
  reason: 'https://signin.aws.amazon.com refused the connection (ECONNREFUSED)',
  next: 'check your network',
  cause: new Error('connect ECONNREFUSED'),
};

test('an AwsTransientError made by another copy of the module (a second bundle entry) is one here, with what it says kept', async () => {
  // a second instance of the module, as the console sign-in's bundle entry carries one
  const other = (await import(`${new URL('./networkErrors.js', import.meta.url).href}?copy=2`)) as typeof import('./networkErrors.js');
  assert.notEqual(other.AwsTransientError, AwsTransientError);
  const error = new other.AwsTransientError(init);
  assert.ok(error instanceof AwsTransientError);
  assert.ok(isAwsTransientError(error));
  assert.ok(error instanceof UserError);
  assert.equal(error.mayHaveRun, false);
  assert.equal(error.kind, 'refused');
  assert.ok(new AwsTransientError(init) instanceof other.AwsTransientError);
});

test('a plain UserError, a look-alike and non-objects are not AwsTransientErrors', () => {
  const lookAlike = Object.assign(new UserError('x'), { name: 'AwsTransientError', kind: 'refused', mayHaveRun: false });
  for (const value of [new UserError('x'), lookAlike, new Error('x'), 'AwsTransientError', null, undefined, {}]) assert.equal(isAwsTransientError(value), false);
  assert.ok(new AwsTransientError(init) instanceof UserError);
});
