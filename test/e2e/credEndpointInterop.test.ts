/**
 * Interop of exec's credentials endpoint: every client takes the role from the endpoint, although
 * [default] has rolegate's credential_process (the read-only session) and AWS_PROFILE was set.
 * AWS CLI v1, boto3 and the JavaScript SDK v3 always; Terraform's AWS provider when terraform and
 * a local plugin mirror are on the machine (ROLEGATE_TEST_TF_PLUGIN_DIR, default /opt/tf-plugins).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { venvBin } from '../harness/paths.js';
import { useCredAccount, mfaProcessRuns, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store', extraEnv: { PATH: `${venvBin}:${process.env.PATH}` } }, (made) => ({ box, account } = made));

const sdkProbe = fileURLToPath(new URL('./sdkProbe.js', import.meta.url));
const ROLE = /:assumed-role\/admin\//;

test('the AWS CLI v1 and boto3 under exec take the role from the endpoint, not [default] nor AWS_PROFILE', async () => {
  const script = `aws sts get-caller-identity --query Arn --output text && python -c 'import boto3; print(boto3.client("sts").get_caller_identity()["Arn"])'`;
  const result = await runRolegate(['exec', 'admin', '--', 'sh', '-c', script], { env: { ...box.env, AWS_PROFILE: 'default' } });
  assert.equal(result.code, 0, result.stderr);
  const arns = result.stdout.trim().split('\n');
  assert.equal(arns.length, 2);
  for (const arn of arns) assert.match(arn, ROLE);
});

test('the JavaScript SDK v3 under exec takes the role from the endpoint and renews it (TEST HOOK ROLEGATE_TEST_ROLE_LIFETIME_SECONDS=6)', { timeout: 60_000 }, async () => {
  const result = await runRolegate(['exec', 'admin', '--', process.execPath, sdkProbe, '9'], {
    env: { ...box.env, AWS_PROFILE: 'default', ROLEGATE_TEST_ROLE_LIFETIME_SECONDS: '6' },
    timeoutMs: 50_000,
  });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { arn: string; key: string });
  assert.equal(lines.length, 9);
  for (const line of lines) assert.match(line.arn, ROLE);
  assert.ok(new Set(lines.map((l) => l.key)).size >= 2, 'renewed while running');
  assert.equal(mfaProcessRuns(account), 1);
});

test("Terraform's AWS provider under exec takes the role from the endpoint", { timeout: 120_000 }, async (t) => {
  const pluginDir = process.env.ROLEGATE_TEST_TF_PLUGIN_DIR ?? '/opt/tf-plugins';
  if (spawnSync('sh', ['-c', 'command -v terraform']).status !== 0) return t.skip('terraform is not installed');
  if (!existsSync(join(pluginDir, 'registry.terraform.io', 'hashicorp', 'aws'))) return t.skip(`no AWS provider in a local plugin mirror at ${pluginDir}`);
  const dir = join(box.home, 'tf');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'main.tf'),
    `provider "aws" {
  region                      = "us-east-1"
  skip_requesting_account_id  = false
}
data "aws_caller_identity" "current" {}
output "arn" { value = data.aws_caller_identity.current.arn }
`,
  );
  const env = { ...box.env, AWS_PROFILE: 'default', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' };
  const init = spawnSync('terraform', ['init', '-input=false', `-plugin-dir=${pluginDir}`], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(init.status, 0, init.stderr + init.stdout);
  const apply = await runRolegate(['exec', 'admin', '--', 'terraform', `-chdir=${dir}`, 'apply', '-auto-approve', '-input=false', '-no-color'], { env, timeoutMs: 100_000 });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  assert.match(apply.stdout, /arn = "arn:aws:sts::123456789012:assumed-role\/admin\//);
});
