// verify and audit on an account and laptop built by `rolegate setup` itself (store and guide layouts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runBoto3, runRolegate } from '../harness/run.js';
import { mfaFlags, setupSandbox } from './setupSupport.js';
import { startAccountProxy } from './auditProxy.js';

const moto = useMotoServer();

const PASSPHRASE = { ROLEGATE_FILE_PASSPHRASE: 'example passphrase for tests' };

async function setUp(box: Sandbox, store: 'file' | 'plain') {
  // moto matches trust principals literally: --trust user, so the role works under access control
  const result = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', store, '--trust', 'user', '--yes', ...mfaFlags(box)], {
    env: box.env,
    timeoutMs: 120_000,
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  // the bootstrap key is the user's to remove once setup is done (audit would rightly report it)
  const text = readFileSync(box.credentialsFile, 'utf8');
  writeFileSync(box.credentialsFile, text.replace(/^\[bootstrap\][^[]*/m, ''), { mode: 0o600 });
}

async function verify(box: Sandbox) {
  const codeCommand = mfaFlags(box)[3]!;
  await moto.enableAccessControl(0);
  try {
    return await runRolegate(['verify', '--json', '--mfa-code-command', codeCommand], { env: box.env });
  } finally {
    await moto.disableAccessControl();
  }
}

for (const store of ['file', 'plain'] as const) {
  test(`after rolegate setup --store ${store}, verify passes with access control on`, async () => {
    const box = setupSandbox(moto.endpoint, PASSPHRASE);
    try {
      await setUp(box, store);
      const result = await verify(box);
      const report = JSON.parse(result.stdout || '{}') as { checks: Array<{ id: string; status: string; reason: string }> };
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(
        report.checks.filter((c) => c.status !== 'pass').map((c) => c.id),
        ['writeSimulated', 'roleSimulated'],
      );
      assert.match(report.checks[0]!.reason, store === 'file' ? /rolegate file store/ : /credentials file/);
    } finally {
      box.cleanup();
    }
  });
}

// The three ways of breaking a setup, applied to an account `rolegate setup` built. The
// changes are made as an administrator would, with moto's access control off.
const BREAKS: { name: string; check: string; alsoFails?: string[]; python: string }[] = [
  {
    name: 'the trust policy loses its MFA condition',
    check: 'trustMfa',
    python: `arn = iam.get_user(UserName="admin")["User"]["Arn"]
iam.update_assume_role_policy(RoleName="admin", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}]}))`,
  },
  {
    name: 'a write policy is attached to the user',
    check: 'write',
    python: 'iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AmazonEC2FullAccess")',
  },
  {
    name: 'the MFA device is removed',
    check: 'mfaDevice',
    // the profile's mfa_serial names a device that is gone: AWS refuses the AssumeRole with it too
    alsoFails: ['elevation'],
    python: `serial = iam.list_mfa_devices(UserName="admin")["MFADevices"][0]["SerialNumber"]
iam.deactivate_mfa_device(UserName="admin", SerialNumber=serial)
iam.delete_virtual_mfa_device(SerialNumber=serial)`,
  },
];

for (const broken of BREAKS) {
  test(`after rolegate setup, when ${broken.name}, verify fails naming "${broken.check}"`, async () => {
    const box = setupSandbox(moto.endpoint, PASSPHRASE);
    try {
      await setUp(box, 'plain');
      const admin = { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
      await runBoto3(`import boto3, json\niam = boto3.client("iam")\n${broken.python}\nprint(json.dumps("ok"))`, { env: admin });
      const result = await verify(box);
      const report = JSON.parse(result.stdout || '{}') as { checks: Array<{ id: string; status: string }> };
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.deepEqual(
        report.checks.filter((c) => c.status === 'fail').map((c) => c.id),
        [broken.check, ...(broken.alsoFails ?? [])],
      );
    } finally {
      box.cleanup();
    }
  });
}

test('after rolegate setup --store file, audit finds nothing on the laptop or in the account', async () => {
  const box = setupSandbox(moto.endpoint, PASSPHRASE);
  // moto cannot show a root user with MFA: the proxy says what a well-kept account would
  const proxy = await startAccountProxy(moto.endpoint, { rootMfaEnabled: true });
  try {
    await setUp(box, 'file');
    const env = {
      ...box.env,
      AWS_ENDPOINT_URL: proxy.endpoint,
      // short-lived credentials, as `rolegate exec` hands them to a process (moto accepts any while access control is off)
      AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'example-session-token',
    };
    const result = await runRolegate(['audit', '--json', '--fail-on', 'info'], { env });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as { findings: unknown[]; notes: string[] };
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.notes, []);
  } finally {
    await proxy.close();
    box.cleanup();
  }
});
