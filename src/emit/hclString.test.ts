import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hclString } from './hclString.js';

test('hclString doubles ${ and %{ (each once), and keeps JSON escapes for quotes, backslashes and controls', () => {
  assert.equal(hclString('a${b}%{c}'), '"a$${b}%%{c}"');
  assert.equal(hclString('$${x}'), '"$$${x}"');
  assert.equal(hclString('say "hi"\\\n'), '"say \\"hi\\"\\\\\\n"');
  assert.equal(hclString('plain'), '"plain"');
});
