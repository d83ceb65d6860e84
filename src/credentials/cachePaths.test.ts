import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { safeName } from './cachePaths.cjs';

test('safeName keeps plain names and escapes the rest by UTF-8 byte', () => {
  assert.equal(safeName('admin'), 'admin');
  assert.equal(safeName('session-default'), 'session-default');
  assert.equal(safeName('team admin/%'), 'team%20admin%2f%25');
  assert.equal(safeName('é'), '%c3%a9');
  assert.equal(safeName('Ā0'), '%c4%800');
  assert.notEqual(safeName('\u0100'), safeName('\u00100'), 'U+0100 and U+0010 followed by 0 differ');
});

test('safeName is one to one and gives names a file system takes (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      for (const name of [safeName(a), safeName(b)]) assert.match(name, /^[A-Za-z0-9_.%-]*$/);
      if (a !== b) assert.notEqual(safeName(a), safeName(b));
    }),
    { numRuns: 2000 },
  );
});
