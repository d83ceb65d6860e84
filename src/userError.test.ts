import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { UserError, badInput, isUserError } from './userError.js';
import { AwsTransientError } from './aws/networkErrors.js';

/** Another copy of userError.js's class, as a second bundle entry carries one. */
function otherCopy(): typeof UserError {
  const source = readFileSync(fileURLToPath(new URL('./userError.js', import.meta.url)), 'utf8').replace(/^export /gm, '');
  return runInNewContext(`${source}\nUserError`, { Symbol, Function, Object, Error }) as typeof UserError;
}

test("a UserError made by another copy of the module (a second bundle entry) is a UserError here, message, next and exit code kept", () => {
  const Other = otherCopy();
  assert.notEqual(Other, UserError);
  const error = new Other('the sign-in ended', { next: 'run aws login', exitCode: 2 });
  assert.ok(error instanceof UserError);
  assert.ok(isUserError(error));
  assert.equal(error.next, 'run aws login');
  assert.equal(error.exitCode, 2);
  assert.ok(new UserError('x') instanceof Other);
});

test('plain errors, look-alikes and non-objects are not UserErrors; subclasses keep the prototype test', () => {
  const lookAlike = Object.assign(new Error('x'), { name: 'UserError', next: 'n', exitCode: 1 });
  for (const value of [new Error('x'), lookAlike, 'UserError', null, undefined, 1, {}]) assert.equal(isUserError(value), false);
  assert.ok(badInput('bad') instanceof UserError);
  assert.equal(new UserError('plain') instanceof AwsTransientError, false);
});
