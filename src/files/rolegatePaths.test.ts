import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { safeName } from './rolegatePaths.cjs';

test('safeName keeps plain names and escapes the rest by UTF-8 byte', () => {
  assert.equal(safeName('admin'), 'admin');
  assert.equal(safeName('session-default'), 'session-default');
  assert.equal(safeName('team admin/%'), 'team%20admin%2f%25');
  assert.equal(safeName('é'), '%c3%a9');
  assert.equal(safeName('Ā0'), '%c4%800');
  assert.notEqual(safeName('\u0100'), safeName('\u00100'), 'U+0100 and U+0010 followed by 0 differ');
  assert.equal(safeName('a\ud800'), 'a%ud800', 'a lone surrogate');
  assert.notEqual(safeName('\ud800'), safeName('\ufffd'));
});

test('a name too long for a file system is shortened with a hash of the whole key', () => {
  const long = 'session-' + '管理'.repeat(40);
  const name = safeName(long);
  assert.ok(Buffer.byteLength(`.${name}.json.12345.abcdef01.tmp`) < 255, name);
  assert.match(name, /^session-[%0-9a-f]{112}~[0-9a-f]{64}$/);
  assert.notEqual(safeName(long + '理'), name);
  assert.equal(safeName('x'.repeat(180)), 'x'.repeat(180));
  assert.match(safeName('x'.repeat(181)), /^x{120}~[0-9a-f]{64}$/);
});

test('safeName is one to one and gives names a file system takes (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
      for (const name of [safeName(a), safeName(b)]) assert.match(name, /^[A-Za-z0-9_.%-]*$/);
      if (a !== b) assert.notEqual(safeName(a), safeName(b));
    }),
    { numRuns: 2000 },
  );
});
