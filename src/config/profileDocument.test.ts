import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedFileDocument } from './profileDocument.js';

const config = (text: string) => new SharedFileDocument('config', text);

test('set replaces a value in place, keeping spacing and line endings', () => {
  const doc = config('# top\r\n[default]\r\nregion=us-east-1\r\noutput   :   json\r\n');
  doc.setValue('default', 'region', 'eu-west-1');
  doc.setValue('default', 'output', 'text');
  assert.equal(doc.text(), '# top\r\n[default]\r\nregion=eu-west-1\r\noutput   :   text\r\n');
});

test('a new key lands after the last key of its section, in the file style', () => {
  const doc = config('[default]\nregion=x\n\n# admin\n[profile admin]\nregion=y\n');
  doc.setValue('default', 'output', 'json');
  assert.equal(doc.text(), '[default]\nregion=x\noutput=json\n\n# admin\n[profile admin]\nregion=y\n');
});

test('a new profile is separated like its neighbours, and a missing final newline stays missing', () => {
  const doc = config('[default]\nregion = x\n\n\n[profile a]\nregion = y');
  doc.setValue('b c', 'region', 'z');
  assert.equal(doc.text(), '[default]\nregion = x\n\n\n[profile a]\nregion = y\n\n\n[profile "b c"]\nregion = z');
  assert.equal(doc.getValue('b c', 'region'), 'z');
});

test('nested keys: set, add, unset', () => {
  const doc = config('[default]\ns3 =\n  max_concurrent_requests = 10\nregion = x\n');
  doc.setValue('default', 's3.max_concurrent_requests', '20');
  doc.setValue('default', 's3.addressing_style', 'path');
  assert.equal(doc.text(), '[default]\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\nregion = x\n');
  doc.unsetValue('default', 's3.max_concurrent_requests');
  doc.unsetValue('default', 's3.addressing_style');
  assert.equal(doc.text(), '[default]\nregion = x\n');
  doc.setValue('default', 'cli.timeout', '5');
  assert.equal(doc.text(), '[default]\nregion = x\ncli =\n    timeout = 5\n');
  assert.equal(doc.getValue('default', 'cli.timeout'), '5');
});

test('profile names map to [default], [profile x] and bare [x] in the credentials file', () => {
  const doc = config('[default]\na = 1\n[profile default]\na = 2\n[x]\na = 3\n');
  assert.deepEqual(doc.profileNames(), ['default']);
  assert.equal(doc.getValue('default', 'a'), '2');
  doc.setValue('default', 'a', '9');
  assert.equal(doc.text(), '[default]\na = 1\n[profile default]\na = 9\n[x]\na = 3\n');
  const creds = new SharedFileDocument('credentials', '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
  creds.setValue('admin', 'aws_access_key_id', 'AKIAI44QH8DHBEXAMPLE');
  assert.equal(creds.text(), '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\n[admin]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\n');
});

test('remove a profile takes its lines and one separator', () => {
  const text = '[default]\nregion = x\n\n[profile a]\nregion = y\n\n# about b\n[profile b]\nregion = z\n';
  const doc = config(text);
  doc.removeProfile('a');
  assert.equal(doc.text(), '[default]\nregion = x\n\n# about b\n[profile b]\nregion = z\n');
  doc.removeProfile('b');
  assert.equal(doc.text(), '[default]\nregion = x\n\n# about b\n');
  assert.equal(doc.hasProfile('b'), false);
});

test('rejects values the files cannot hold', () => {
  const doc = config('[default]\n');
  assert.throws(() => doc.setValue('default', 'region', 'a\nb'), /line break/);
  assert.throws(() => doc.setValue('default', 'region', ' x'), /space/);
  assert.throws(() => doc.setValue('default', 'a=b', 'x'), /= or :/);
  assert.throws(() => doc.setValue('default', 'a.b.c', 'x'), /more than one level/);
  assert.equal(doc.text(), '[default]\n');
});
