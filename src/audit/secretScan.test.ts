import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanText, maskKeyId } from './secretScan.js';

const ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

test('finds secrets in the shapes people type them, by line, and returns no secret text', () => {
  const text = [
    'ls -la',
    `export AWS_SECRET_ACCESS_KEY=${SECRET}`,
    `export AWS_ACCESS_KEY_ID=${ID}`,
    `aws configure set aws_secret_access_key ${SECRET}`,
    `: 1700000000:0;AWS_ACCESS_KEY_ID=${ID} AWS_SECRET_ACCESS_KEY="${SECRET}" terraform apply`,
    `- cmd: set -x AWS_SECRET_ACCESS_KEY ${SECRET}`,
    `curl -u ${ID}:${SECRET} https://example.com`,
    `export AWS_SESSION_TOKEN=${'A'.repeat(120)}`,
    'git commit -m "rotate the aws_secret_access_key next week"',
    'echo AKIA is a prefix',
  ].join('\n');
  const hits = scanText(text);
  assert.deepEqual(
    hits.map((h) => [h.line, h.kinds.join('+')]),
    [
      [2, 'secret-access-key'],
      [3, 'access-key-id'],
      [4, 'secret-access-key'],
      [5, 'secret-access-key+access-key-id'],
      [6, 'secret-access-key'],
      [7, 'secret-access-key+access-key-id'],
      [8, 'session-token'],
    ],
  );
  const serialized = JSON.stringify(hits);
  assert.ok(!serialized.includes(SECRET.slice(0, 8)));
  assert.ok(!serialized.includes(ID.slice(0, 5)), serialized);
});

test('masking keeps at most the four-character key type', () => {
  assert.equal(maskKeyId(ID), 'AKIA…');
});
