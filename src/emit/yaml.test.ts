import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderYaml } from './yaml.js';

test('strings YAML would read as something else are quoted; nesting is block style', () => {
  const text = renderYaml({ a: 'true', b: '2012-10-17', c: 'sts:AssumeRole', d: 'x: y', e: ['one', { f: 1, g: [] }], h: {}, 'aws:X': 'No' }, ['head']);
  assert.equal(
    text,
    ['# head', 'a: "true"', 'b: "2012-10-17"', 'c: sts:AssumeRole', 'd: "x: y"', 'e:', '  - one', '  - f: 1', '    g: []', 'h: {}', 'aws:X: "No"', ''].join('\n'),
  );
});
