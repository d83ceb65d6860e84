// The cache file names botocore computes (vectors from botocore 1.43: SSOCredentialFetcher._create_cache_key,
// SSOTokenLoader._generate_cache_key), so rolegate, the AWS CLI and the SDKs share one file each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roleCacheKey } from './roleCredentials.js';
import { cacheTime, parseCacheTime, tokenCacheKey } from './tokenCache.js';
import { profileNameFor, safeProfilePart } from './populate.js';

const START = 'https://x.awsapps.com/start';

test('the role credentials key is botocore SSOCredentialFetcher\'s', () => {
  assert.equal(roleCacheKey({ accountId: '123456789012', roleName: 'Admin', session: { name: 'corp', startUrl: START, region: 'us-east-1' } }), '8457bc68cf9d4aa8d629a61563948e8bd3159d49');
  assert.equal(roleCacheKey({ accountId: '123456789012', roleName: 'Admin', session: { startUrl: START, region: 'us-east-1' } }), '243185b3287804d23760113d179c4c72e67b4061');
  // json.dumps escapes non-ASCII as \\uXXXX before hashing
  assert.equal(roleCacheKey({ accountId: '123456789012', roleName: 'Rôle', session: { name: 'sé', startUrl: START, region: 'us-east-1' } }), 'e52aa60a6e130b90573d2a65f968b1794d780c23');
});

test("the token file name is botocore SSOTokenLoader's: the session name, else the start URL", () => {
  assert.equal(tokenCacheKey({ startUrl: START, region: 'us-east-1' }), '3947de8b16688092197fa616c34e01335f21d256');
  assert.equal(tokenCacheKey({ name: 'corp', startUrl: START, region: 'us-east-1' }), 'ee0bfd2552fbd840c02cc48b6e823320543c450f');
});

test('cache times: written as botocore writes them, read as dateutil reads them', () => {
  assert.equal(cacheTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05Z');
  assert.equal(parseCacheTime('2026-01-02T03:04:05Z'), Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(parseCacheTime('2026-01-02T03:04:05.123Z'), Date.UTC(2026, 0, 2, 3, 4, 5, 123));
  assert.equal(parseCacheTime('2026-01-02T03:04:05+01:00'), Date.UTC(2026, 0, 2, 2, 4, 5));
  assert.equal(parseCacheTime('2026-01-02T03:04:05'), Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(parseCacheTime('soon'), undefined);
});

test('populated profile names are safe whatever the service calls an account', () => {
  assert.equal(safeProfilePart('Prod; $(touch /tmp/x) `y`'), 'prod-touch-tmp-x-y');
  assert.equal(safeProfilePart('[profile evil]\nkey = 1'), 'profile-evil-key-1');
  assert.equal(safeProfilePart('Ünïcode ✓'), 'unicode');
  assert.equal(profileNameFor('', '✓✓', '123456789012', 'Admin'), '123456789012-admin');
  assert.match(profileNameFor('team', 'a'.repeat(100), '1', 'R'), /^team-a+$/);
  assert.ok(profileNameFor('', 'a'.repeat(100), '1', 'R').length <= 64);
});
