import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { awsCliCacheArgs, awsCliCacheKey, pythonJsonDumps } from './awsCliCache.js';
import type { RoleSpec } from '../config/profileSpec.js';

test('the cache key matches the test vector in DESIGN.md', () => {
  assert.equal(awsCliCacheKey({ RoleArn: 'myrole' }), '793d6e2f27667ab2da104824407e486bfec24a47');
});

test('the key for RoleArn + SerialNumber matches what AWS CLI v1 wrote against moto', () => {
  assert.equal(
    awsCliCacheKey({ RoleArn: 'arn:aws:iam::123456789012:role/admin', SerialNumber: 'arn:aws:iam::123456789012:mfa/admin' }),
    '397f0e09d1e912c28e057a530cff7771bb4e8790',
  );
});

test('cache args: only what the profile sets, DurationSeconds as a number, the default session name left out', () => {
  const session = { keyProfile: 'default', mfaSerial: 'arn:mfa' };
  const role: RoleSpec = { profile: 'admin', layout: 'guide', chain: 'direct', roleArn: 'arn:role', mfaSerial: 'arn:mfa', ownMfaSerial: 'arn:mfa', durationSeconds: 7200, session };
  assert.deepEqual(awsCliCacheArgs(role), { RoleArn: 'arn:role', SerialNumber: 'arn:mfa', DurationSeconds: 7200 });
  assert.equal(pythonJsonDumps(awsCliCacheArgs(role)), '{"DurationSeconds": 7200, "RoleArn": "arn:role", "SerialNumber": "arn:mfa"}');
  assert.deepEqual(awsCliCacheArgs({ ...role, ownMfaSerial: undefined, durationSeconds: undefined, roleSessionName: 'me', externalId: 'x' }), {
    RoleArn: 'arn:role',
    RoleSessionName: 'me',
    ExternalId: 'x',
  });
});

test("pythonJsonDumps equals Python's json.dumps(sort_keys=True) for arbitrary strings and numbers", () => {
  const samples = fc.sample(
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.integer()), { maxKeys: 5 }),
    { numRuns: 150, seed: 42 },
  );
  samples.push({ RoleArn: 'é\u007f\u0000\n"\\/\ud83d\ude00', b: -3, a: 0 });
  const input = JSON.stringify(samples);
  const python = spawnSync('python3', ['-c', 'import json,sys\nfor v in json.loads(sys.stdin.read()): print(json.dumps(v, sort_keys=True))'], { input, encoding: 'utf8' });
  assert.equal(python.status, 0, python.stderr);
  const expected = python.stdout.split('\n').slice(0, -1);
  assert.deepEqual(samples.map((s) => pythonJsonDumps(s)), expected);
});
