import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcessOutput } from './processSource.js';
import { isUserError } from '../userError.js';

const later = new Date(Date.now() + 3600_000).toISOString();

test("another tool's credential_process output: the contract's shapes are taken, anything else refused naming the profile", () => {
  const temporary = parseProcessOutput('p', JSON.stringify({ Version: 1, AccessKeyId: 'ASIAX', SecretAccessKey: 's', SessionToken: 't', Expiration: later }));
  assert.deepEqual([temporary.accessKeyId, temporary.sessionToken, temporary.noExpiry, temporary.expiration.toISOString()], ['ASIAX', 't', undefined, later]);
  const longTerm = parseProcessOutput('p', JSON.stringify({ Version: 1, AccessKeyId: 'AKIAX', SecretAccessKey: 's' }));
  assert.deepEqual([longTerm.sessionToken, longTerm.noExpiry], ['', true]);
  const refused: Array<[string, RegExp]> = [
    ['not json', /not JSON/],
    ['[1]', /not an object/],
    [JSON.stringify({ Version: 2, AccessKeyId: 'A', SecretAccessKey: 's' }), /Version 2/],
    [JSON.stringify({ Version: 1, AccessKeyId: 'A' }), /no AccessKeyId or SecretAccessKey/],
    [JSON.stringify({ Version: 1, AccessKeyId: 'A', SecretAccessKey: 's', SessionToken: 't', Expiration: 'soon' }), /not an ISO 8601 time/],
    [JSON.stringify({ Version: 1, AccessKeyId: 'A', SecretAccessKey: 's', SessionToken: 't', Expiration: '2020-01-01T00:00:00Z' }), /expired/],
  ];
  for (const [output, pattern] of refused) {
    assert.throws(() => parseProcessOutput('tool', output), (e: unknown) => isUserError(e) && /profile tool/.test(e.message) && pattern.test(e.message) && Boolean(e.next), output);
  }
});
