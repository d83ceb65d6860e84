import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runAws, runRolegate } from '../harness/run.js';
import { nextCode, useCredAccount, mfaProcessRuns, writeGuideLayout, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, {}, (made) => ({ box, account } = made));

const cliCacheDir = () => join(box.home, '.aws', 'cli', 'cache');

test('guide layout: a role entry written by rolegate is used by the AWS CLI without a prompt', async () => {
  writeGuideLayout(box, account);
  const rolegate = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(rolegate.code, 0, rolegate.stderr);
  const issued = JSON.parse(rolegate.stdout);
  const files = readdirSync(cliCacheDir());
  // botocore's key for {"RoleArn", "SerialNumber"}
  assert.deepEqual(files, ['397f0e09d1e912c28e057a530cff7771bb4e8790.json']);
  assert.equal(statSync(join(cliCacheDir(), files[0]!)).mode & 0o777, 0o600);
  await moto.clearRequests();
  // no stdin: if the CLI wanted a code it would fail
  const aws = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: '' });
  assert.equal(aws.code, 0, aws.stderr);
  assert.match(JSON.parse(aws.stdout).Arn, /:assumed-role\/admin\//);
  const log = await moto.requests();
  assert.deepEqual(log.map((r) => r.action), ['GetCallerIdentity']);
  assert.equal(log[0]?.access_key, issued.AccessKeyId);
  assert.equal(mfaProcessRuns(account), 1);
});

test('guide layout: a role entry written by the AWS CLI (MFA code on stdin) is used by rolegate', async () => {
  writeGuideLayout(box, account, { mfaProcess: false });
  const aws = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: `${await nextCode(account)}\n` });
  assert.equal(aws.code, 0, aws.stderr);
  const [file] = readdirSync(cliCacheDir());
  const written = JSON.parse(readFileSync(join(cliCacheDir(), file!), 'utf8'));
  await moto.clearRequests();
  // no mfa_process, no terminal: rolegate could only succeed from the CLI's cache
  const rolegate = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(rolegate.code, 0, rolegate.stderr);
  assert.equal(JSON.parse(rolegate.stdout).AccessKeyId, written.Credentials.AccessKeyId);
  assert.deepEqual(await moto.requests(), []);
});

test('guide layout: an entry with under 15 minutes left is renewed from the MFA session, without a new code', async () => {
  writeGuideLayout(box, account);
  const first = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(first.code, 0, first.stderr);
  const path = join(cliCacheDir(), readdirSync(cliCacheDir())[0]!);
  const entry = JSON.parse(readFileSync(path, 'utf8'));
  entry.Credentials.Expiration = new Date(Date.now() + 10 * 60_000).toISOString();
  writeFileSync(path, JSON.stringify(entry));
  await moto.clearRequests();
  const second = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(second.code, 0, second.stderr);
  assert.notEqual(JSON.parse(second.stdout).AccessKeyId, JSON.parse(first.stdout).AccessKeyId);
  assert.deepEqual((await moto.requests()).map((r) => r.action), ['AssumeRole']);
  assert.equal(mfaProcessRuns(account), 1, 'the session was reused: no second code');
});

test('a damaged cache entry is a warning and a miss, never a crash', async () => {
  writeGuideLayout(box, account);
  const first = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(first.code, 0, first.stderr);
  const path = join(cliCacheDir(), readdirSync(cliCacheDir())[0]!);
  writeFileSync(path, '{"Credentials": {"AccessKeyId": tru');
  const again = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /warning: ignoring the damaged AWS CLI cache entry/);
  assert.ok(JSON.parse(readFileSync(path, 'utf8')).Credentials.AccessKeyId, 'the entry was rewritten');
});
