import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMotoServer } from '../harness/moto.js';
import { terminalAvailable } from '../../src/prompt/mfaCodeTerminal.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { forwardRequest } from './credFixture.js';
import { closedPort, startFaultProxy } from '../harness/faultProxy.js';
import { asBootstrap, buildSetupAccount, mfaCodeCommand, writeGuideProfiles, type AccountFixture } from './verifyFixture.js';

interface Check {
  id: string;
  status: 'pass' | 'fail' | 'skip';
  reason: string;
}

const moto = useMotoServer();
let box: Sandbox;
let account: AccountFixture;

beforeEach(async () => {
  box = makeSandbox({ endpoint: moto.endpoint });
  account = await buildSetupAccount(box);
  writeGuideProfiles(box, account);
});
afterEach(() => box.cleanup());

/** Runs verify with moto's access control on, so a denied write is really denied. */
async function verify(extra: string[] = []) {
  await moto.enableAccessControl(0);
  try {
    const result = await runRolegate(['verify', '--json', '--mfa-code-command', await mfaCodeCommand(box, account), ...extra], { env: box.env });
    const report = JSON.parse(result.stdout || '{}') as { ok: boolean; checks: Check[] };
    return { ...result, report, failed: report.checks?.filter((c) => c.status === 'fail').map((c) => c.id) ?? [] };
  } finally {
    await moto.disableAccessControl();
  }
}

const statusOf = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

test('a correct setup passes every check (simulator checks skipped: moto answers HTTP 500)', async () => {
  const result = await verify();
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(statusOf(result.report.checks), {
    identity: 'pass',
    read: 'pass',
    write: 'pass',
    writeSimulated: 'skip',
    mfaDevice: 'pass',
    elevation: 'pass',
    adminWrite: 'pass',
    trustMfa: 'pass',
    userMfa: 'pass',
    roleSimulated: 'skip',
  });
  const reasons = Object.fromEntries(result.report.checks.map((c) => [c.id, c.reason]));
  assert.match(reasons.identity!, /user\/admin/);
  assert.match(reasons.write!, /UnauthorizedOperation|AccessDenied/);
  assert.match(reasons.elevation!, /assumed-role\/admin\/rolegate-verify/);
  assert.match(reasons.adminWrite!, /DryRunOperation/);
  assert.ok(!(result.stdout + result.stderr).includes(account.secretAccessKey));
});

test('the trust policy without its MFA condition fails "role trust policy requires MFA"', async () => {
  await asBootstrap(
    box,
    `iam.update_assume_role_policy(RoleName="admin", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "${account.userArn}"}, "Action": "sts:AssumeRole"}]}))`,
  );
  const result = await verify();
  assert.equal(result.code, 1);
  assert.deepEqual(result.failed, ['trustMfa']);
  assert.match(result.report.checks.find((c) => c.id === 'trustMfa')!.reason, /without MFA/);
});

test('a write policy attached to the user fails "read-only profile cannot write"', async () => {
  await asBootstrap(box, `iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AmazonEC2FullAccess")`);
  const result = await verify();
  assert.equal(result.code, 1);
  assert.deepEqual(result.failed, ['write']);
  assert.match(result.report.checks.find((c) => c.id === 'write')!.reason, /DryRunOperation/);
});

// The admin profile's mfa_serial then names a device that is gone, so AWS refuses the AssumeRole too.
test('without the MFA device, "MFA device present and enabled" fails, and elevation with it', async () => {
  await asBootstrap(
    box,
    `iam.deactivate_mfa_device(UserName="admin", SerialNumber="${account.serial}")\niam.delete_virtual_mfa_device(SerialNumber="${account.serial}")`,
  );
  const result = await verify();
  assert.equal(result.code, 1);
  assert.deepEqual(result.failed, ['mfaDevice', 'elevation']);
});

test('the table names each check with its result; the MFA code comes from the profile\'s mfa_process', async () => {
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8') + `mfa_process = ${await mfaCodeCommand(box, account)}\n`);
  await moto.enableAccessControl(0);
  let table;
  try {
    table = await runRolegate(['verify'], { env: box.env });
  } finally {
    await moto.disableAccessControl();
  }
  assert.equal(table.code, 0, table.stdout + table.stderr);
  assert.match(table.stdout, /^CHECK\s+RESULT\s+REASON/m);
  assert.match(table.stdout, /admin profile with MFA yields the role\s+pass/);
  assert.match(table.stdout, /role trust policy requires MFA\s+pass/);
  assert.match(table.stdout, /policy simulator: role denied without MFA\s+skip\s+simulator unavailable/);
  assert.match(table.stdout, /verified/);
});

// Children share this process's controlling terminal: with one, verify would rightly ask on it.
test('without an MFA code source and no terminal, elevation fails and says how to give a code', { skip: terminalAvailable() && 'a terminal is attached' }, async () => {
  await moto.enableAccessControl(0);
  let result;
  try {
    result = await runRolegate(['verify', '--json'], { env: box.env });
  } finally {
    await moto.disableAccessControl();
  }
  assert.equal(result.code, 1);
  const checks = (JSON.parse(result.stdout) as { checks: Check[] }).checks;
  const elevation = checks.find((c) => c.id === 'elevation')!;
  assert.equal(elevation.status, 'fail');
  assert.match(elevation.reason, /--mfa-code-command|mfa_process/);
  assert.equal(checks.find((c) => c.id === 'adminWrite')!.status, 'skip');
});

test('a profile that does not exist fails the identity check and skips the rest', async () => {
  // alone, the name is of no setup, and the default admin profile is the setup's here: refused
  const alone = await verify(['--profile', 'nosuch']);
  assert.equal(alone.code, 2, alone.stderr);
  assert.match(alone.stderr, /no setup rolegate knows has read-only profile nosuch; the admin profile was not named, and its default admin is the setup with read-only profile default/);
  const result = await verify(['--profile', 'nosuch', '--admin-profile', 'nosuch-admin']);
  assert.equal(result.code, 1);
  assert.equal(result.report.checks[0]!.status, 'fail');
  assert.ok(result.report.checks.slice(1).every((c) => c.status === 'skip'), JSON.stringify(result.report.checks));
});

test('behind HTTP_PROXY, the signed EC2 probes go through the proxy like the SDK clients\' calls, and still read the answers', async () => {
  const actions: string[] = [];
  const proxy = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      actions.push(new URLSearchParams(body.toString()).get('Action') ?? '?');
      forwardRequest(request, body, request.url!, response);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    Object.assign(box.env, { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`, NO_PROXY: '', no_proxy: '' });
    const result = await verify();
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(statusOf(result.report.checks).write, 'pass');
    assert.match(result.report.checks.find((c) => c.id === 'write')!.reason, /UnauthorizedOperation|AccessDenied/);
    assert.ok(actions.includes('DescribeInstances') && actions.includes('CreateKeyPair'), actions.join(' '));
  } finally {
    proxy.close();
  }
});

test('checks that could not run (EC2 refused the connection) fail, naming the endpoint; verify never passes them and exits non-zero', async () => {
  const ec2 = await closedPort();
  await moto.enableAccessControl(0);
  let result;
  try {
    result = await runRolegate(['verify', '--json', '--mfa-code-command', await mfaCodeCommand(box, account)], { env: { ...box.env, AWS_ENDPOINT_URL_EC2: ec2 } });
  } finally {
    await moto.disableAccessControl();
  }
  assert.notEqual(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout) as { ok: boolean; checks: Check[] };
  assert.equal(report.ok, false);
  const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
  for (const id of ['read', 'write', 'adminWrite']) {
    assert.equal(byId[id]!.status, 'fail', `${id}: ${byId[id]!.reason}`);
    assert.match(byId[id]!.reason, new RegExp(`${ec2.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} refused the connection`));
  }
  // the checks that reach STS and IAM still ran
  assert.equal(byId.identity!.status, 'pass');
  assert.equal(byId.elevation!.status, 'pass');
});

test('the elevation probe\'s AssumeRole, its answer lost after AWS used the MFA code (stand-in: answer-then-500 from the fault proxy): verify assumes the role with a second, fresh code and says why; no code reused', async () => {
  const proxy = await startFaultProxy(moto.endpoint);
  try {
    proxy.inject('AssumeRole', 'answer-then-500');
    // access control stays off: the proxy forwards under its own Host, which moto's signature check would refuse
    const env = { ...box.env, AWS_ENDPOINT_URL: proxy.endpoint, ROLEGATE_TEST_SKIP_TOTP_WAIT: '1' };
    // a code command that prints the device's next unused code each time it runs (credMfaCode.ts)
    const seedFile = join(box.home, 'mfa-seed.txt');
    writeFileSync(seedFile, account.seed, { mode: 0o600 });
    const command = `'${process.execPath}' '${fileURLToPath(new URL('./credMfaCode.js', import.meta.url))}' '${seedFile}'`;
    const result = await runRolegate(['verify', '--json', '--mfa-code-command', command], { env });
    const checks = (JSON.parse(result.stdout || '{}') as { checks: Check[] }).checks;
    assert.equal(statusOf(checks).elevation, 'pass', result.stdout + result.stderr);
    assert.match(result.stderr, /sts:AssumeRole failed: .*server error.*AWS may have used up the MFA code sent with it, and takes each code only once, so a new code is needed: running the code command again/);
    assert.equal(proxy.log.filter((l) => l.action === 'AssumeRole' && l.fault === 'answer-then-500').length, 1);
    assert.deepEqual((await moto.requests()).filter((r) => r.refused === 'AccessDenied' && r.action === 'AssumeRole'), [], 'no code was sent twice');
  } finally {
    await proxy.close();
  }
});

test('after a lost AssumeRole answer (stand-in: answer-then-500), a code command that prints the spent code again is not sent: elevation fails and says so', async () => {
  const proxy = await startFaultProxy(moto.endpoint);
  try {
    proxy.inject('AssumeRole', 'answer-then-500');
    const env = { ...box.env, AWS_ENDPOINT_URL: proxy.endpoint, ROLEGATE_TEST_SKIP_TOTP_WAIT: '1' };
    // mfaCodeCommand prints one fixed code, like a command that ignores the time
    const result = await runRolegate(['verify', '--json', '--mfa-code-command', await mfaCodeCommand(box, account)], { env });
    const elevation = (JSON.parse(result.stdout || '{}') as { checks: Check[] }).checks.find((c) => c.id === 'elevation')!;
    assert.equal(elevation.status, 'fail');
    assert.match(elevation.reason, /the code command printed the same MFA code again after its 30 s window had passed/);
    assert.equal(proxy.log.filter((l) => l.action === 'AssumeRole').length, 1, 'the spent code went out once');
  } finally {
    await proxy.close();
  }
});
