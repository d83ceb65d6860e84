import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scanText } from './secretScan.js';

const base64Char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+'.split(''));
const secret = fc.array(base64Char, { minLength: 40, maxLength: 40 }).map((cs) => cs.join(''));
const keyId = fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split('')), { minLength: 16, maxLength: 16 }).map((cs) => `AKIA${cs.join('')}`);
const noise = fc.array(fc.constantFrom(...'abc xyz-_./'.split('')), { maxLength: 30 }).map((cs) => cs.join(''));
const shape = fc.constantFrom(
  (s: string) => `export AWS_SECRET_ACCESS_KEY=${s}`,
  (s: string) => `AWS_SECRET_ACCESS_KEY="${s}" terraform plan`,
  (s: string) => `aws configure set aws_secret_access_key ${s}`,
  (s: string) => `aws_secret_access_key = ${s}`,
  (s: string) => `set -x AWS_SECRET_ACCESS_KEY ${s}`,
);

test('a secret typed in any usual shape is found on its line, and the hit holds none of it', () => {
  fc.assert(
    fc.property(fc.array(noise, { maxLength: 5 }), shape, secret, keyId, fc.array(noise, { maxLength: 5 }), (before, make, s, id, after) => {
      const lines = [...before, `${make(s)} # ${id}`, ...after];
      const hits = scanText(lines.join('\n'));
      const hit = hits.find((h) => h.line === before.length + 1);
      assert.ok(hit?.kinds.includes('secret-access-key'), JSON.stringify(hits));
      assert.equal(hit!.keyIdPrefix, 'AKIA…');
      // a hit holds only a line number, kinds from a fixed list, and the 4-character key type
      for (const h of hits) {
        assert.deepEqual(Object.keys(h).filter((k) => !['line', 'kinds', 'keyIdPrefix'].includes(k)), []);
        assert.ok(h.kinds.every((k) => ['secret-access-key', 'access-key-id', 'session-token'].includes(k)));
        assert.ok(h.keyIdPrefix === undefined || /^A[A-Z]{3}…$/.test(h.keyIdPrefix));
      }
    }),
    { numRuns: 300 },
  );
});
