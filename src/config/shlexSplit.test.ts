import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shlexSplit } from './shlexSplit.js';

test('splits like Python shlex.split in POSIX mode', () => {
  assert.deepEqual(shlexSplit('profile admin'), ['profile', 'admin']);
  assert.deepEqual(shlexSplit('profile "my name"'), ['profile', 'my name']);
  assert.deepEqual(shlexSplit("profile 'it''s'"), ['profile', 'its']);
  assert.deepEqual(shlexSplit('profile a\\ b'), ['profile', 'a b']);
  assert.deepEqual(shlexSplit('profile "a\\"b\\\\c\\d"'), ['profile', 'a"b\\c\\d']);
  assert.deepEqual(shlexSplit('profile ""'), ['profile', '']);
  assert.deepEqual(shlexSplit('  profile\t\tx  '), ['profile', 'x']);
  assert.deepEqual(shlexSplit('a"b c"d'), ['ab cd']);
  assert.deepEqual(shlexSplit(''), []);
  assert.deepEqual(shlexSplit('profile #x'), ['profile', '#x']);
});

test('rejects what Python rejects', () => {
  assert.throws(() => shlexSplit('profile "open'), /No closing quotation/);
  assert.throws(() => shlexSplit('profile x\\'), /No escaped character/);
});
