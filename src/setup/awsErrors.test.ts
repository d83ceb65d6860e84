import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError } from '../userError.js';
import { awsCall, isInvalidPrincipal, isNotFound, retryWhileSpreading } from './awsErrors.js';

const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

test('AccessDenied names the action and the policy needed', async () => {
  await assert.rejects(
    awsCall('iam:CreateUser', () => Promise.reject(awsError('AccessDenied', 'User: x is not authorized'))),
    (e: unknown) => isUserError(e) && /not allowed to call iam:CreateUser/.test(e.message) && /IAMFullAccess/.test(e.next ?? ''),
  );
});

test('missing and rejected credentials become user errors; other errors pass through', async () => {
  await assert.rejects(awsCall('sts:GetCallerIdentity', () => Promise.reject(awsError('CredentialsProviderError', 'Could not load credentials from any providers'))), (e: unknown) =>
    isUserError(e) && /no AWS credentials/.test(e.message),
  );
  await assert.rejects(awsCall('sts:GetCallerIdentity', () => Promise.reject(awsError('InvalidClientTokenId'))), (e: unknown) => isUserError(e) && /rejected/.test(e.message));
  await assert.rejects(awsCall('iam:GetUser', () => Promise.reject(awsError('NoSuchEntity'))), (e: unknown) => !isUserError(e) && isNotFound(e));
});

test('retryWhileSpreading retries only the spreading error, and gives up at the deadline', async () => {
  let calls = 0;
  const value = await retryWhileSpreading(
    async () => {
      calls += 1;
      if (calls < 3) throw awsError('MalformedPolicyDocument', 'Invalid principal in policy: "AWS":"arn:aws:iam::1:user/admin"');
      return 'ok';
    },
    isInvalidPrincipal,
    { firstDelayMs: 1 },
  );
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(
    retryWhileSpreading(async () => {
      calls += 1;
      throw awsError('MalformedPolicyDocument', 'Syntax errors in policy');
    }, isInvalidPrincipal, { firstDelayMs: 1 }),
  );
  assert.equal(calls, 1, 'another error is not retried');
  await assert.rejects(
    retryWhileSpreading(() => Promise.reject(awsError('NoSuchEntity')), isNotFound, { firstDelayMs: 5, maxWaitMs: 20 }),
    (e: unknown) => isNotFound(e),
  );
});
