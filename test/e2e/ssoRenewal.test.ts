/**
 * exec's renewing endpoint for an IAM Identity Center profile: a child outlives its first role
 * credentials (the SSO stand-in, test/harness/ssoStandIn.ts, states a 30 s lifetime for them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { runRolegate } from '../harness/run.js';
import { venvBin } from '../harness/paths.js';
import { useSsoWorld, writeCachedToken } from './ssoFixture.js';

const moto = useMotoServer();
const world = useSsoWorld(moto, { roleSeconds: 30 });

const CHILD = `
import boto3, json, time
sts = boto3.client('sts')
keys = []
for i in range(2):
    sts.get_caller_identity()
    keys.append(sts._request_signer._credentials.get_frozen_credentials().access_key)
    if i == 0: time.sleep(16)
print(json.dumps(keys))
`;

test('exec serves an SSO profile from its endpoint and renews it: a boto3 child outlives its first role credentials (SSO stand-in)', { timeout: 120_000 }, async () => {
  const { box, standIn } = world();
  writeCachedToken(world(), { expiresInSeconds: 8 * 3600 });
  const result = await runRolegate(['exec', 'work', '--', join(venvBin, 'python'), '-c', CHILD], { env: box.env, timeoutMs: 100_000 });
  assert.equal(result.code, 0, result.stderr);
  const keys = JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
  assert.equal(keys.length, 2);
  assert.notEqual(keys[0], keys[1], 'renewed through the endpoint');
  assert.ok(standIn.counts.GetRoleCredentials! >= 2);
  assert.equal(standIn.counts.CreateToken ?? 0, 0, 'the token itself was fresh');
});
