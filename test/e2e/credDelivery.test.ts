import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run, runAws, runRolegate } from '../harness/run.js';
import { rolegateBin, venvBin } from '../harness/paths.js';
import { useCredAccount, filesContaining, mfaProcessRuns, writeGuideLayout, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store', extraEnv: { PATH: `${venvBin}:${process.env.PATH}` } }, (made) => ({ box, account } = made));

const have = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const rolegate = `'${process.execPath}' '${rolegateBin}'`;

for (const shell of ['bash', 'zsh', 'fish'] as const) {
  test(`env output sourced in ${shell} gives the AWS CLI working role credentials`, async (t) => {
    if (!have(shell)) return t.skip(`${shell} is not installed`);
    // the AWS CLI runs with an empty config file: it can only use what the shell got from rolegate
    const empty = join(box.home, 'empty-config');
    writeFileSync(empty, '');
    const aws = `env AWS_CONFIG_FILE='${empty}' aws sts get-caller-identity --output json`;
    const script =
      shell === 'fish'
        ? `${rolegate} env admin --format fish | source; and test -z "$AWS_PROFILE"; and ${aws}`
        : `eval "$(${rolegate} env admin --format ${shell})" && test -z "$AWS_PROFILE" && ${aws}`;
    // an AWS_PROFILE exported before must not survive (the JavaScript SDK would take it over the keys)
    const result = await run(shell, ['-c', script], { env: { ...box.env, AWS_PROFILE: 'default' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(JSON.parse(result.stdout).Arn, /:assumed-role\/admin\//);
    const caller = (await moto.requests()).find((r) => r.action === 'GetCallerIdentity');
    assert.match(caller?.access_key ?? '', /^ASIA/);
  });
}

test('env --format json and dotenv carry the same credentials and no AWS_PROFILE', async () => {
  const json = await runRolegate(['env', 'admin', '--format', 'json'], { env: { ...box.env, AWS_PROFILE: 'default' } });
  assert.equal(json.code, 0, json.stderr);
  const vars = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(vars).sort(), ['AWS_ACCESS_KEY_ID', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'ROLEGATE_EXPIRATION', 'ROLEGATE_PROFILE']);
  assert.equal(vars.ROLEGATE_EXPIRATION, vars.AWS_CREDENTIAL_EXPIRATION);
  assert.match(json.stderr, /these credentials of admin expire at \S+Z \(in (59|60)m\); renew them with: rolegate env admin --format json/);
  const dotenv = await runRolegate(['env', 'admin', '--format', 'dotenv'], { env: box.env });
  assert.equal(dotenv.code, 0, dotenv.stderr);
  const parsed = Object.fromEntries(dotenv.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.deepEqual(parsed, vars);
  const bad = await runRolegate(['env', 'admin', '--format', 'tcsh'], { env: box.env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown format tcsh/);
});

test('exec passes the exit code through; the command gets the role from the endpoint, not AWS_PROFILE nor [default]\'s credential_process', async () => {
  const result = await runRolegate(['exec', 'admin', '--', 'sh', '-c', 'test -n "$AWS_CONTAINER_CREDENTIALS_FULL_URI" && test -z "$AWS_SESSION_TOKEN" && test -z "$AWS_PROFILE" && aws sts get-caller-identity --output json && exit 7'], {
    env: { ...box.env, AWS_PROFILE: 'admin' },
  });
  assert.equal(result.code, 7, result.stderr);
  assert.match(JSON.parse(result.stdout).Arn, /:assumed-role\/admin\//);
});

test('exec --env-only passes plain variables, without AWS_PROFILE', async () => {
  const result = await runRolegate(['exec', 'admin', '--env-only', '--', 'sh', '-c', 'test -n "$AWS_SESSION_TOKEN" && test -z "$AWS_CONTAINER_CREDENTIALS_FULL_URI" && test -z "$AWS_PROFILE" && aws sts get-caller-identity --output json && exit 7'], {
    env: { ...box.env, AWS_PROFILE: 'admin' },
  });
  assert.equal(result.code, 7, result.stderr);
  assert.match(JSON.parse(result.stdout).Arn, /:assumed-role\/admin\//);
});

test('exec passes a signal to the command, and returns what the command returned', { timeout: 60_000 }, async () => {
  await runRolegate(['env', 'admin'], { env: box.env }); // warm the cache
  const child = spawn(process.execPath, [rolegateBin, 'exec', 'admin', '--', 'sh', '-c', 'trap "echo got-term; exit 42" TERM; echo ready; i=0; while [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; exit 3'], {
    env: box.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready')) resolve();
    }),
  );
  child.kill('SIGTERM');
  const [code] = (await new Promise((resolve) => child.once('close', (...args) => resolve(args)))) as [number | null, string | null];
  assert.match(stdout, /got-term/);
  assert.equal(code, 42);
});

test('exec: a command killed by a signal makes rolegate end the same way', async () => {
  const result = await runRolegate(['exec', 'admin', '--', 'sh', '-c', 'kill -TERM $$'], { env: box.env });
  assert.equal(result.signal, 'SIGTERM', `code ${result.code}: ${result.stderr}`);
});

test('exec refuses to nest inside an environment that already holds AWS credentials', async () => {
  const result = await runRolegate(['exec', 'admin', '--', 'true'], { env: { ...box.env, AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', ROLEGATE_PROFILE: 'admin' } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /already in this environment.*refusing to nest/);
  assert.match(result.stderr, /next: .*unset AWS_ACCESS_KEY_ID/);
  assert.equal(mfaProcessRuns(account), 0);
});

test('terraform prints a provider block Terraform accepts, with the region and a credential_process profile', async (t) => {
  const result = await runRolegate(['terraform', 'admin'], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /provider "aws" \{\n\s+region\s+= "us-east-1"\n\s+profile = "admin"\n\}/);
  if (!have('terraform')) return t.skip('terraform is not installed: syntax not checked');
  const fmt = await run('terraform', ['fmt', '-'], { env: box.env, input: result.stdout });
  assert.equal(fmt.code, 0, fmt.stderr);
  assert.equal(fmt.stdout, result.stdout, 'valid and already in canonical form');
});

test('status shows the store, the session and the role with their expiry, and who they are', async () => {
  const before = await runRolegate(['status', '--json'], { env: box.env });
  assert.equal(before.code, 0, before.stderr);
  const empty = JSON.parse(before.stdout);
  assert.deepEqual(empty.profiles.map((p: { profile: string; session: { state: string } }) => [p.profile, p.session.state]), [['default', 'none'], ['admin', 'none']]);
  assert.equal(mfaProcessRuns(account), 0, 'status never asks for a code');
  assert.equal((await runRolegate(['credential-process', 'admin'], { env: box.env })).code, 0);
  const after = JSON.parse((await runRolegate(['status', '--json'], { env: box.env })).stdout);
  const admin = after.profiles.find((p: { profile: string }) => p.profile === 'admin');
  assert.equal(admin.store, 'file');
  assert.equal(admin.session.state, 'valid');
  assert.equal(admin.role.state, 'valid');
  assert.ok(admin.role.secondsLeft > 50 * 60 && admin.role.secondsLeft <= 3600);
  assert.ok(admin.session.secondsLeft > 11 * 3600);
  assert.match(admin.identity, /:assumed-role\/admin\//);
  assert.ok(!JSON.stringify(after).includes(account.key.secretAccessKey));
  const text = await runRolegate(['status'], { env: box.env });
  assert.match(text.stdout, /^admin\s+role \(store\)\s+file \(default\)\s+valid 1[01]h\d\dm\s+valid 5\dm\s+arn:/m);
});

test('logout deletes the cached session and role, so the next call needs a new code', async () => {
  assert.equal((await runRolegate(['credential-process', 'admin'], { env: box.env })).code, 0);
  assert.equal(mfaProcessRuns(account), 1);
  const out = await runRolegate(['logout', 'admin', '--json'], { env: box.env });
  assert.equal(out.code, 0, out.stderr);
  const removed = JSON.parse(out.stdout).removed as string[];
  assert.equal(removed.length, 2);
  for (const path of removed) assert.equal(existsSync(path), false);
  // the first code's window is used: ROLEGATE_TEST_SKIP_TOTP_WAIT takes the next window's code at
  // once (the tests' code source moves its clock on) instead of waiting up to 30 s for it
  assert.equal((await runRolegate(['credential-process', 'admin'], { env: { ...box.env, ROLEGATE_TEST_SKIP_TOTP_WAIT: '1' } })).code, 0);
  assert.equal(mfaProcessRuns(account), 2);
  const all = await runRolegate(['logout'], { env: box.env });
  assert.match(all.stdout, /removed .*session-default\.json/);
});

test('import moves the guide layout key into the file store: the AWS CLI keeps working, the key leaves the credentials file', async () => {
  writeGuideLayout(box, account);
  const result = await runRolegate(['import', 'default', '--store', 'file'], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /its backup, .*credentials\.rolegate\.bak, keeps the rest of the previous file, not the key/);
  assert.ok(!readFileSync(box.credentialsFile, 'utf8').includes(account.key.secretAccessKey));
  const config = readFileSync(box.configFile, 'utf8');
  assert.match(config, /rolegate_role_arn = arn:aws:iam::123456789012:role\/admin/);
  assert.doesNotMatch(config, /^role_arn/m);
  for (const args of [['sts', 'get-caller-identity'], ['--profile', 'admin', 'sts', 'get-caller-identity']]) {
    const aws = await runAws([...args, '--output', 'json'], { env: box.env, input: '' });
    assert.equal(aws.code, 0, aws.stderr);
  }
  assert.deepEqual(filesContaining(join(box.home, '.aws'), account.key.secretAccessKey), [], 'not in the credentials file nor in its backup');
  const again = await runRolegate(['import', 'default', '--store', 'file'], { env: box.env });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already takes its key from a rolegate store/);
});
