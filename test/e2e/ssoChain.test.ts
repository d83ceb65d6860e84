/**
 * A role chained from an IAM Identity Center profile (`role_arn` + `source_profile = work`, the
 * organization role of issue 20), served by rolegate end to end: the SSO stand-in
 * (test/harness/ssoStandIn.ts) plays the portal in front of moto, where the roles live.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { venvBin } from '../harness/paths.js';
import { runAws, runRolegate } from '../harness/run.js';
import { readFileSync } from 'node:fs';
import { ACCOUNT, SESSION, WORK_CONFIG, createRoles, roleCacheFileOf, useSsoWorld, writeCachedToken } from './ssoFixture.js';
import { startFederationStandIn } from './federationStandIn.js';
import { STAND_IN_KEY_ID } from '../harness/ssoStandIn.js';

const moto = useMotoServer();
const world = useSsoWorld(moto, { config: `${WORK_CONFIG}\n[profile admin]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/OrgAdmin\nsource_profile = work\nregion = us-east-1\n` });

/** AssumeRole calls rolegate made (the stand-in's own, for GetRoleCredentials, sign with its fixed key). */
async function rolegateAssumeRoles(): Promise<number> {
  return (await moto.requests()).filter((r) => r.action === 'AssumeRole' && r.access_key !== STAND_IN_KEY_ID && !r.refused).length;
}

test('a role sourced from an SSO profile: 10 parallel cold credential-process calls cost one GetRoleCredentials and one AssumeRole (SSO stand-in)', async () => {
  const { box, standIn } = world();
  await createRoles(moto.endpoint, ['OrgAdmin']);
  writeCachedToken(world(), { expiresInSeconds: 8 * 3600 });
  const results = await Promise.all(Array.from({ length: 10 }, () => runRolegate(['credential-process', 'admin'], { env: box.env })));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(new Set(results.map((r) => (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId)).size, 1);
  assert.equal(standIn.counts.GetRoleCredentials, 1);
  assert.equal(await rolegateAssumeRoles(), 1);
  const exec = await runRolegate(['exec', 'admin', '--', join(venvBin, 'aws'), 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(JSON.parse(exec.stdout).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/OrgAdmin/`));
  const env = await runRolegate(['env', 'admin'], { env: box.env });
  assert.equal(env.code, 0, env.stderr);
  assert.equal(standIn.counts.GetRoleCredentials, 1, 'exec and env from the same caches');
  // botocore serves the same chain from the same sign-in
  const aws = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(JSON.parse(aws.stdout).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/OrgAdmin/`));
});

test('rolegate login opens the console for an SSO profile with its role credentials (SSO and federation stand-ins)', async () => {
  const { box, standIn } = world();
  writeCachedToken(world(), { expiresInSeconds: 8 * 3600 });
  const federation = await startFederationStandIn();
  try {
    const result = await runRolegate(['login', 'work', '--stdout'], { env: { ...box.env, ROLEGATE_TEST_FEDERATION_ENDPOINT: federation.endpoint } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^https:\/\/signin\.aws\.amazon\.com\/federation\?/);
    const cached = JSON.parse(readFileSync(roleCacheFileOf(box, { accountId: ACCOUNT, roleName: 'Admin', sessionName: SESSION }), 'utf8')) as { Credentials: { AccessKeyId: string } };
    assert.equal(federation.requests.length, 1);
    assert.equal(federation.requests[0]!.session?.sessionId, cached.Credentials.AccessKeyId, 'the SSO role credentials went to the federation endpoint');
    assert.equal(standIn.counts.GetRoleCredentials, 1);
  } finally {
    await federation.close();
  }
});
