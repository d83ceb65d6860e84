// Load: 50 credential-process calls at once, from a cold cache and while the cached role
// credentials expire in the middle of the run. The chain's promise under load is one MFA code
// (mfa_process runs once), one STS call per link of the chain, and valid credentials for everyone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runBoto3, runRolegate, type RunResult } from '../harness/run.js';
import { useCredAccount, mfaProcessRuns, ROLE_ARN, type Account } from './credFixture.js';
import { sessionCacheFile } from '../../src/files/rolegatePaths.cjs';
import { EXPIRY_WINDOW_MS } from '../../src/cache/temporaryCredentials.cjs';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

const CALLERS = 50;
const callAdmin = () => runRolegate(['credential-process', 'admin'], { env: box.env, timeoutMs: 240_000 });

interface Served {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

function served(results: RunResult[]): Served[] {
  return results.map((result, i) => {
    assert.equal(result.code, 0, `caller ${i}: ${result.stderr}`);
    const line = JSON.parse(result.stdout) as Served & { Version: number };
    assert.equal(line.Version, 1);
    // what the caller got still lasts longer than the freshness window (it is not about to expire)
    assert.ok(Date.parse(line.Expiration) - Date.now() > EXPIRY_WINDOW_MS - 60_000, `caller ${i} got credentials expiring at ${line.Expiration}`);
    return line;
  });
}

/** Each distinct set of credentials, used for a real call: STS says it is the admin role. */
async function assertEachIsTheRole(credentials: Served[]): Promise<void> {
  const distinct = [...new Map(credentials.map((c) => [c.AccessKeyId, c])).values()];
  const arns = await runBoto3<string[]>(
    `
import boto3, json
sets = json.loads(${JSON.stringify(JSON.stringify(distinct))})
arns = []
for c in sets:
    sts = boto3.client("sts", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    arns.append(sts.get_caller_identity()["Arn"])
print(json.dumps(arns))
`,
    { env: box.env },
  );
  for (const arn of arns) assert.match(arn, /:assumed-role\/admin\//, `served credentials belong to ${arn}, not ${ROLE_ARN}`);
}

async function stsCalls(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { action, service } of await moto.requests()) {
    if (service === 'sts' || action === 'GetSessionToken' || action === 'AssumeRole') counts[action ?? '?'] = (counts[action ?? '?'] ?? 0) + 1;
  }
  return counts;
}

test(`${CALLERS} credential-process calls at once with a cold cache: one mfa_process run, one GetSessionToken, one AssumeRole, valid role credentials for every caller`, async () => {
  const results = await Promise.all(Array.from({ length: CALLERS }, callAdmin));
  const credentials = served(results);
  assert.equal(new Set(credentials.map((c) => c.AccessKeyId)).size, 1, 'every caller got the same role credentials');
  assert.equal(mfaProcessRuns(account), 1, 'one MFA code for all');
  assert.deepEqual(await stsCalls(), { GetSessionToken: 1, AssumeRole: 1 });
  await assertEachIsTheRole(credentials);
});

/**
 * Rewrites the cached role entry so that its credentials stop being fresh `inMs` from now (they
 * then have 15 minutes left, the freshness window), issued an hour before that: the rule for short
 * lifetimes (two thirds) does not apply. Replaced by rename, as rolegate writes, so no reader sees
 * half a file.
 */
function expireRoleEntryIn(inMs: number): number {
  const path = sessionCacheFile('role-admin', box.env);
  const entry = JSON.parse(readFileSync(path, 'utf8')) as { createdAt: string; Credentials: { Expiration: string } };
  const staleAt = Math.ceil((Date.now() + inMs) / 1000) * 1000;
  const expiration = staleAt + EXPIRY_WINDOW_MS;
  entry.Credentials.Expiration = new Date(expiration).toISOString().replace(/\.\d{3}Z$/, 'Z');
  entry.createdAt = new Date(expiration - 3600_000).toISOString();
  writeFileSync(`${path}.test-tmp`, JSON.stringify(entry, null, 2), { mode: 0o600 });
  renameSync(`${path}.test-tmp`, path);
  return staleAt;
}

test(`${CALLERS} credential-process calls while the cached role credentials expire during the run: one new AssumeRole, no new MFA code, every caller served`, async (t) => {
  const first = await callAdmin();
  assert.equal(first.code, 0, first.stderr);
  const before = (JSON.parse(first.stdout) as Served).AccessKeyId;
  await moto.clearRequests();
  // Callers start one every 60 ms (about 3 s in all); the entry turns stale half-way through, so
  // some are answered from the cache (shortcut or full path) and the rest need the refresh.
  const staleAt = expireRoleEntryIn(1500);
  const started: Array<Promise<RunResult & { startedAt: number }>> = [];
  for (let i = 0; i < CALLERS; i += 1) {
    const startedAt = Date.now();
    started.push(callAdmin().then((result) => ({ ...result, startedAt })));
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  const results = await Promise.all(started);
  const credentials = served(results);
  const keys = new Set(credentials.map((c) => c.AccessKeyId));
  // Every caller started after the entry turned stale was given the new credentials.
  results.forEach((result, i) => {
    if (result.startedAt > staleAt) assert.notEqual(credentials[i]!.AccessKeyId, before, `caller ${i} started after expiry and got the old credentials`);
  });
  t.diagnostic(`${credentials.filter((c) => c.AccessKeyId === before).length} callers served the old credentials, ${credentials.filter((c) => c.AccessKeyId !== before).length} the new`);
  assert.ok(keys.size <= 2, `at most the old and one new set of credentials, got ${keys.size}`);
  assert.ok([...keys].some((k) => k !== before), 'the refresh happened during the run');
  assert.equal(mfaProcessRuns(account), 1, 'the MFA session was still cached: no new code');
  assert.deepEqual(await stsCalls(), { AssumeRole: 1 }, 'one AssumeRole for the one link that expired');
  await assertEachIsTheRole(credentials);
});
