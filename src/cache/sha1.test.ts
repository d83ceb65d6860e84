import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha1Hex } from './sha1.js';

test('sha1Hex agrees with node:crypto on known vectors and arbitrary strings of any length', () => {
  assert.equal(sha1Hex(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  assert.equal(sha1Hex('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => sha1Hex(text) === createHash('sha1').update(text, 'utf8').digest('hex')),
    { numRuns: 300 },
  );
  for (const length of [55, 56, 63, 64, 65, 119, 120, 1000]) {
    const text = 'x'.repeat(length);
    assert.equal(sha1Hex(text), createHash('sha1').update(text).digest('hex'), `length ${length}`);
  }
});
