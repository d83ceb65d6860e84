import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError } from '../userError.js';
import { proveKeyWorks, userNameFromArn } from './keyIdentity.js';

const key = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

test('userNameFromArn: users (with paths) only', () => {
  assert.equal(userNameFromArn('arn:aws:iam::123456789012:user/admin'), 'admin');
  assert.equal(userNameFromArn('arn:aws:iam::123456789012:user/team/ops/alice'), 'alice');
  assert.equal(userNameFromArn('arn:aws-cn:iam::123456789012:user/bob'), 'bob');
  assert.equal(userNameFromArn('arn:aws:iam::123456789012:root'), undefined);
  assert.equal(userNameFromArn('arn:aws:sts::123456789012:assumed-role/admin/s'), undefined);
  assert.equal(userNameFromArn('arn:aws:sts::123456789012:user/moto'), undefined);
});

test('the proof retries with growing delays through eventual consistency, saying once that it waits', async () => {
  const answers: Array<string | Error> = [new Error('InvalidClientTokenId'), new Error('InvalidClientTokenId'), 'arn:aws:iam::123456789012:user/admin'];
  const sleeps: number[] = [];
  const logs: string[] = [];
  await proveKeyWorks(key, 'admin', {
    env: {},
    log: (m) => logs.push(m),
    sleep: async (ms) => void sleeps.push(ms),
    identify: async () => {
      const next = answers.shift()!;
      if (next instanceof Error) throw next;
      return next;
    },
  });
  assert.deepEqual(sleeps, [1000, 2000]);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /waiting for the new key AKIAIOSFODNN7EXAMPLE to work/);
  assert.ok(!logs[0]!.includes(key.secretAccessKey));
});

test('the proof gives up after the timeout, naming the last reason and never the secret', async () => {
  let calls = 0;
  await assert.rejects(
    proveKeyWorks(key, 'admin', {
      env: {},
      log: () => {},
      timeoutMs: 30_000,
      sleep: async () => {},
      identify: async () => {
        calls++;
        return 'arn:aws:iam::123456789012:user/someone-else';
      },
    }),
    (error) => {
      assert.ok(isUserError(error));
      assert.match(error.message, /did not work within 30 s: it authenticated as .*someone-else, not as user admin/);
      assert.ok(!error.message.includes(key.secretAccessKey));
      return true;
    },
  );
  assert.ok(calls >= 4 && calls <= 8, `calls: ${calls}`);
});

test('the test hook fails the proof at once, without calling STS', async () => {
  await assert.rejects(
    proveKeyWorks(key, 'admin', {
      env: { ROLEGATE_TEST_FAIL_PROOF: '1' },
      log: () => {},
      identify: async () => assert.fail('STS was called'),
    }),
    /forced by the test hook ROLEGATE_TEST_FAIL_PROOF/,
  );
});
