import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { useCredAccount, mfaProcessRuns, type Account } from './credFixture.js';
import { lockFile } from '../../src/files/rolegatePaths.cjs';
import { dirname } from 'node:path';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

test('20 credential-process calls started at once with an empty cache: one mfa_process run, one GetSessionToken, one AssumeRole', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, () => runRolegate(['credential-process', 'admin'], { env: box.env, timeoutMs: 120_000 })));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const keys = new Set(results.map((r) => JSON.parse(r.stdout).AccessKeyId as string));
  assert.equal(keys.size, 1, 'every process got the same role credentials');
  assert.equal(mfaProcessRuns(account), 1);
  const actions = (await moto.requests()).map((r) => r.action);
  assert.equal(actions.filter((a) => a === 'GetSessionToken').length, 1);
  assert.equal(actions.filter((a) => a === 'AssumeRole').length, 1);
});

test('a refresh lock left by a killed process is taken over', async () => {
  // A process that takes the session lock the way rolegate does, then is killed with SIGKILL.
  const lock = lockFile('session-default', box.env);
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => holder.once('spawn', resolve));
  const { processStartTime } = await import('../../src/files/refreshLock.js');
  writeFileSync(lock, JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname(), start: processStartTime(holder.pid!), created: Date.now(), nonce: 'killed-holder' }));
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  const result = await runRolegate(['credential-process', 'default'], { env: box.env, timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(mfaProcessRuns(account), 1);
  assert.equal(existsSync(lock), false, 'the lock is released after the refresh');
});

test('a live holder makes others wait, and they then read its result from the cache', async () => {
  const lock = lockFile('session-default', box.env);
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  const { processStartTime } = await import('../../src/files/refreshLock.js');
  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), start: processStartTime(process.pid), created: Date.now(), nonce: 'test-holder' }));
  const waiting = runRolegate(['credential-process', 'default'], { env: box.env, timeoutMs: 60_000 });
  // while we "hold" the lock, the waiter must not refresh; give it time to try
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(mfaProcessRuns(account), 0, 'nobody spent a code while the lock was held');
  const { rmSync } = await import('node:fs');
  rmSync(lock);
  const result = await waiting;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /waiting for another rolegate process/);
  assert.equal(mfaProcessRuns(account), 1);
});
