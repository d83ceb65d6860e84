import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayForError, retryDelayMs } from './retryPolicy.js';

const throttled = (name: string, status = 400) => Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: status } });
const serverError = Object.assign(new Error('InternalFailure'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const denied = Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

test('throttling answers of every spelling are resent, by every sender, with a growing backoff and jitter', () => {
  for (const error of [throttled('Throttling'), throttled('ThrottlingException'), throttled('RequestLimitExceeded'), throttled('SomethingElse', 429)]) {
    for (const resend of ['any', 'unsent'] as const) {
      assert.ok(retryDelayForError(error, 0, 3, resend) !== undefined, `${error.name} ${resend}`);
    }
  }
  const failure = { kind: 'throttled', code: 'Throttling', mayHaveRun: false } as const;
  assert.equal(retryDelayMs(failure, 0, 3, 'unsent', () => 0), 500);
  assert.equal(retryDelayMs(failure, 0, 3, 'unsent', () => 1), 1000);
  assert.equal(retryDelayMs(failure, 1, 3, 'unsent', () => 1), 2000);
  assert.equal(retryDelayMs(failure, 5, 9, 'unsent', () => 1), 8000, 'capped');
});

test('never beyond the attempts; a 5xx only for senders whose requests may run twice; an answer on purpose never', () => {
  assert.equal(retryDelayForError(throttled('Throttling'), 2, 3, 'unsent'), undefined);
  assert.equal(retryDelayForError(throttled('Throttling'), 0, 1, 'any'), undefined);
  assert.equal(retryDelayForError(serverError, 0, 3, 'unsent'), undefined);
  assert.ok(retryDelayForError(serverError, 0, 3, 'any') !== undefined);
  assert.ok(retryDelayForError(refused, 0, 3, 'unsent') !== undefined);
  assert.equal(retryDelayForError(denied, 0, 3, 'any'), undefined);
});
