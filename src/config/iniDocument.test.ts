import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IniParseError, parseIni, serializeIni } from './iniDocument.js';
import { rawSections } from './profileMap.js';

const roundTrip = (text: string) => assert.equal(serializeIni(parseIni(text)), text);

test('keeps every byte: CRLF, lone CR, comments, missing final newline', () => {
  for (const text of [
    '',
    '\n\n',
    '# only a comment',
    '[default]\r\nregion = us-east-1\r\n',
    '[default]\rregion=x\r[profile a]\r',
    '; c\n[default]\n  # indented comment\nregion   :   eu-west-1',
    '[default]\ns3 =\n    max_concurrent_requests = 20\n\n    addressing_style = path\n',
  ]) roundTrip(text);
});

test('reads values as configparser does', () => {
  const doc = parseIni('[default]\nRegion = us-east-1 \nmulti = a\n  b\n\n  c\n\ns3 =\n  x = 1\n  # c\n  y=2\n');
  const raw = rawSections(doc);
  assert.deepEqual(raw.get('default'), { region: 'us-east-1', multi: 'a\nb\n\nc', s3: { x: '1', y: '2' } });
});

test('DEFAULT values reach every section', () => {
  const raw = rawSections(parseIni('[DEFAULT]\nregion = r\n[a]\nx = 1\n[b]\nregion = s\n'));
  assert.deepEqual(raw.get('a'), { x: '1', region: 'r' });
  assert.deepEqual(raw.get('b'), { region: 's' });
});

test('rejects what configparser rejects, with the line', () => {
  const cases: [string, number][] = [
    ['region = x\n', 1],
    ['[default]\na = 1\nA = 2\n', 3],
    ['[a]\n[a]\n', 2],
    ['[default]\nno delimiter here\n', 2],
    ['[default]\n= value\n', 2],
    ['\ufeff[default]\n', 1],
  ];
  for (const [text, line] of cases) {
    assert.throws(() => parseIni(text), (e: unknown) => e instanceof IniParseError && e.line === line, JSON.stringify(text));
  }
  assert.throws(() => rawSections(parseIni('[default]\ns3 =\n  good = 1\n  bad\n')), (e: unknown) => e instanceof IniParseError && e.line === 4);
});
