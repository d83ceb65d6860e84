import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRemaining, parseDuration } from './duration.js';
import { isFresh, formatExpiration, EXPIRY_WINDOW_MS } from '../cache/temporaryCredentials.cjs';
import { isUserError } from '../userError.js';

test('parseDuration', () => {
  assert.equal(parseDuration('12h'), 43200);
  assert.equal(parseDuration('90m'), 5400);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('3600'), 3600);
  assert.throws(() => parseDuration('soon'), (e: unknown) => isUserError(e) && e.exitCode === 2);
  assert.throws(() => parseDuration(''), isUserError);
});

test('freshness uses the AWS CLI 15-minute window', () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(isFresh(new Date(now + EXPIRY_WINDOW_MS + 1000), now), true);
  assert.equal(isFresh(new Date(now + EXPIRY_WINDOW_MS - 1000), now), false);
  assert.equal(isFresh(new Date('nonsense'), now), false);
  assert.equal(formatExpiration(new Date(Date.UTC(2026, 10, 24, 6, 12, 27, 925))), '2026-11-24T06:12:27Z');
  assert.equal(formatRemaining(3 * 3600_000 + 5 * 60_000), '3h05m');
  assert.equal(formatRemaining(59 * 60_000), '59m');
  assert.equal(formatRemaining(-1), 'expired');
});
