import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Ec2Client } from './ec2Client.js';
import { probeEc2Write, simulate } from './probes.js';

const failure = (name: string, status: number) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
const failing = (name: string, status = 400) => ({
  send: async () => {
    throw failure(name, status);
  },
});
const failingEc2 = (name: string, status: number): Ec2Client => ({
  call: async () => {
    throw failure(name, status);
  },
});

test('an EC2 dry run reads as allowed, denied or unknown, never as success', async () => {
  assert.equal((await probeEc2Write(failingEc2('DryRunOperation', 412))).outcome, 'allowed');
  assert.equal((await probeEc2Write(failingEc2('UnauthorizedOperation', 403))).outcome, 'denied');
  assert.equal((await probeEc2Write(failingEc2('AccessDenied', 403))).outcome, 'denied');
  const odd = await probeEc2Write(failingEc2('RequestLimitExceeded', 503));
  assert.equal(odd.outcome, 'unknown');
  assert.match(odd.detail, /RequestLimitExceeded/);
  const noError = await probeEc2Write({ call: async () => '<CreateKeyPairResponse/>' });
  assert.equal(noError.outcome, 'unknown');
});

test('the simulator: decisions when it answers, "unavailable" with the reason when it does not', async () => {
  const pages = [
    { EvaluationResults: [{ EvalActionName: 'ec2:RunInstances', EvalDecision: 'implicitDeny' }], IsTruncated: true, Marker: 'm' },
    { EvaluationResults: [{ EvalActionName: 's3:CreateBucket', EvalDecision: 'allowed' }], IsTruncated: false },
  ];
  const seen: unknown[] = [];
  const iam = { send: async (command: { input: unknown }) => (seen.push(command.input), pages.shift()) } as unknown as IAMClient;
  const result = await simulate(iam, 'arn:aws:iam::123456789012:user/admin', ['ec2:RunInstances', 's3:CreateBucket']);
  assert.deepEqual(result, {
    available: true,
    decisions: [
      { action: 'ec2:RunInstances', decision: 'implicitDeny' },
      { action: 's3:CreateBucket', decision: 'allowed' },
    ],
  });
  assert.equal((seen[1] as { Marker?: string }).Marker, 'm');
  const denied = await simulate(failing('AccessDenied', 403) as unknown as IAMClient, 'arn', ['x:Y']);
  assert.deepEqual(denied, { available: false, reason: 'AccessDenied (HTTP 403): AccessDenied happened' });
  const missing = await simulate(failing('InternalFailure', 500) as unknown as IAMClient, 'arn', ['x:Y']);
  assert.equal(missing.available, false);
  assert.match((missing as { reason: string }).reason, /HTTP 500 \(not implemented/);
});
