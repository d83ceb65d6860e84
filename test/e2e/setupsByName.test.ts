// Each setup known by name (issue 17): two setups side by side in one account, and one beside a
// person's own [profile admin]. teardown, verify and rotate act on the setup the names given (or
// the only setup) point at, through the record setup keeps, never on a same-named default of
// another setup or of the person; a name contradicting the record is refused before any change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID, useMotoServer } from '../harness/moto.js';
import { rolegateBin } from '../harness/paths.js';
import { runAws, runRolegate, type RunResult } from '../harness/run.js';
import { accountListing, fileBytes, mfaFlags, mutations, nextCode, setup, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();
const out = (r: RunResult) => r.stdout + r.stderr;
const SECOND = ['--profile', 'ro2', '--admin-profile', 'admin2', '--user-name', 'ro2', '--role-name', 'admin2'];
/** teardown needs administrator credentials: the bootstrap profile, through the environment (no flag). */
const AS_BOOTSTRAP = { AWS_PROFILE: 'bootstrap' };
const recordFile = (box: Sandbox) => join(box.home, '.config', 'rolegate', 'setups.json');

function teardown(box: Sandbox, args: string[]): Promise<RunResult> {
  return runRolegate(['teardown', ...args], { env: { ...box.env, ...AS_BOOTSTRAP }, timeoutMs: 120_000 });
}

async function snapshot(box: Sandbox) {
  return {
    listing: await accountListing(box),
    config: fileBytes(box.configFile),
    credentials: fileBytes(box.credentialsFile),
    before: fileBytes(join(box.home, '.config', 'rolegate', 'profiles-before-setup.json')),
    record: fileBytes(recordFile(box)),
  };
}

/** The first setup (default, admin; user admin, role admin), then the second beside it. */
async function twoSetups(box: Sandbox) {
  const first = await setup(box);
  assert.equal(first.code, 0, out(first));
  const afterFirst = await snapshot(box);
  const second = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', ...mfaFlags(box, 'code', 'totp-uri-2'), ...SECOND], {
    env: box.env,
    timeoutMs: 120_000,
  });
  assert.equal(second.code, 0, out(second));
  const listing = await accountListing(box);
  assert.deepEqual(listing.users.map((u) => u.name).sort(), ['admin', 'ro2']);
  assert.deepEqual(listing.roles.map((r) => r.name).filter((n) => n === 'admin' || n === 'admin2').sort(), ['admin', 'admin2']);
  return afterFirst;
}

async function identity(box: Sandbox, profile?: string, code?: string): Promise<string> {
  const r = await runAws([...(profile ? ['--profile', profile] : []), 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: code === undefined ? '' : `${code}\n` });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { Arn: string }).Arn;
}

/** The first setup reads and elevates as before. */
async function firstStillWorks(box: Sandbox) {
  assert.equal(await identity(box), `arn:aws:iam::${ACCOUNT_ID}:user/admin`);
  assert.match(await identity(box, 'admin', await nextCode(box)), new RegExp(`^arn:aws:sts::${ACCOUNT_ID}:assumed-role/admin/`));
}

for (const name of [['--profile', 'ro2'], ['--admin-profile', 'admin2']]) {
  test(`two setups: teardown --yes ${name.join(' ')} removes exactly the second; the first still reads and elevates`, async () => {
    const box = setupSandbox(moto.endpoint);
    try {
      const afterFirst = await twoSetups(box);
      const r = await teardown(box, ['--yes', ...name]);
      assert.equal(r.code, 0, out(r));
      assert.match(r.stdout, /IAM user ro2: removed/);
      assert.match(r.stdout, /IAM role admin2: removed/);
      assert.doesNotMatch(r.stdout, /IAM (user|role) admin:/);
      assert.match(r.stdout, /Teardown complete/);
      // IAM, the profiles, the stored key and the records: as after the first setup alone
      const after = await snapshot(box);
      assert.deepEqual(after, afterFirst);
      assert.doesNotMatch(after.config ?? '', /ro2|admin2/);
      assert.doesNotMatch(after.credentials ?? '', /\[ro2\]/);
      await firstStillWorks(box);
    } finally {
      box.cleanup();
    }
  });
}

test('two setups: teardown --profile ro2 --role-name admin is refused before any change, naming both', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    await twoSetups(box);
    const before = await snapshot(box);
    await moto.clearRequests();
    const r = await teardown(box, ['--profile', 'ro2', '--role-name', 'admin']);
    assert.equal(r.code, 2, out(r));
    assert.match(r.stderr, /--profile ro2 is the setup with role admin2 .*but --role-name admin was given, which is the role of another setup \(profiles default, admin/);
    assert.doesNotMatch(r.stdout, /removed/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await snapshot(box), before, 'IAM and every file byte for byte as before');
    // without any name, teardown lists both setups and asks for one
    const plain = await teardown(box, ['--yes']);
    assert.equal(plain.code, 2, out(plain));
    assert.match(plain.stderr, /there are 2 setups here, and teardown acts on one:\n.*profiles default, admin: account \d+, user admin, role admin, plain store\n.*profiles ro2, admin2: account \d+, user ro2, role admin2, plain store/);
    assert.match(plain.stderr, /next: name one, e\.g\. rolegate teardown --profile ro2/);
    assert.deepEqual(await snapshot(box), before);
    // status lists them
    const status = await runRolegate(['status', '--offline', '--json'], { env: box.env });
    assert.equal(status.code, 0, out(status));
    const setups = (JSON.parse(status.stdout) as { setups: { userName: string; roleName: string; readProfile: string; adminProfile: string; store: string; account: string; roleArn: string }[] }).setups;
    assert.deepEqual(
      setups.map((s) => [s.account, s.userName, s.roleName, s.readProfile, s.adminProfile, s.store, s.roleArn]),
      [
        [ACCOUNT_ID, 'admin', 'admin', 'default', 'admin', 'plain', `arn:aws:iam::${ACCOUNT_ID}:role/admin`],
        [ACCOUNT_ID, 'ro2', 'admin2', 'ro2', 'admin2', 'plain', `arn:aws:iam::${ACCOUNT_ID}:role/admin2`],
      ],
    );
    await firstStillWorks(box);
  } finally {
    box.cleanup();
  }
});

/**
 * rolegate at a pseudo-terminal (`script`), as a person runs it: each MFA prompt is answered with
 * the device's next code. stdout and stderr go to files; `screen` is what the terminal showed.
 */
async function atTerminal(box: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdoutFile = join(box.home, 'terminal-out.txt');
  const stderrFile = join(box.home, 'terminal-err.txt');
  const quote = (w: string) => `'${w.replaceAll("'", "'\\''")}'`;
  const inner = `${[process.execPath, rolegateBin, ...args].map(quote).join(' ')} > ${quote(stdoutFile)} 2> ${quote(stderrFile)}`;
  const child = spawn('script', ['-qefc', inner, '/dev/null'], { env: { ...box.env, ...env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let answered = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    const prompts = screen.match(/MFA code for [^\r\n]*: /g)?.length ?? 0;
    while (answered < prompts) {
      answered += 1;
      void nextCode(box).then((code) => child.stdin.write(`${code}\n`));
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  return { code, screen, stdout: read(stdoutFile), stderr: read(stderrFile), prompts: answered };
}

/** A person's own profiles: an SSO profile, and an organization role sourced from it, named admin. */
const FOREIGN = `[profile work]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile admin]
role_arn = arn:aws:iam::111122223333:role/OrgAdmin
source_profile = work
region = eu-west-1
`;

test('beside a foreign [profile admin], after setup --admin-profile rg-admin: plain verify passes, plain rotate --yes rotates that key, plain teardown --yes gives the config back byte for byte', async () => {
  const box = setupSandbox(moto.endpoint);
  writeFileSync(box.configFile, FOREIGN, { mode: 0o600 });
  const config = fileBytes(box.configFile);
  const credentials = fileBytes(box.credentialsFile);
  try {
    // --trust user: moto matches trust principals literally, and verify runs under access control
    const made = await setup(box, ['--admin-profile', 'rg-admin', '--trust', 'user']);
    assert.equal(made.code, 0, out(made));
    assert.match(fileBytes(box.configFile) ?? '', /\[profile admin\]\nrole_arn = arn:aws:iam::111122223333:role\/OrgAdmin\nsource_profile = work\nregion = eu-west-1\n/);

    await moto.enableAccessControl(0);
    let verified;
    try {
      verified = await atTerminal(box, ['verify']);
    } finally {
      await moto.disableAccessControl();
    }
    assert.equal(verified.code, 0, verified.stdout + verified.stderr + verified.screen);
    assert.match(verified.stdout, /verified: the setup holds/);
    assert.doesNotMatch(verified.stdout + verified.stderr, /OrgAdmin|profile admin\b/);

    const keyBefore = (await accountListing(box)).users.find((u) => u.name === 'admin')!.keys;
    assert.equal(keyBefore.length, 1);
    const rotated = await atTerminal(box, ['rotate', '--yes']);
    assert.equal(rotated.code, 0, rotated.stdout + rotated.stderr + rotated.screen);
    assert.match(rotated.stdout, /rotated: user admin now uses (\w+) \(profile default, plain store\); the old key (\w+) is deleted/);
    const keyAfter = (await accountListing(box)).users.find((u) => u.name === 'admin')!.keys;
    assert.equal(keyAfter.length, 1);
    assert.notEqual(keyAfter[0], keyBefore[0]);
    assert.match(fileBytes(box.credentialsFile) ?? '', new RegExp(`\\[default\\]\\naws_access_key_id = ${keyAfter[0]}\\n`));
    const record = JSON.parse(readFileSync(recordFile(box), 'utf8')) as { setups: { adminProfile: string; accessKeyId: string }[] };
    assert.deepEqual(record.setups.map((s) => [s.adminProfile, s.accessKeyId]), [['rg-admin', keyAfter[0]]]);

    const removed = await teardown(box, ['--yes']);
    assert.equal(removed.code, 0, out(removed));
    assert.match(removed.stdout, /Teardown complete/);
    assert.equal(fileBytes(box.configFile), config, 'the config file is as before setup, byte for byte');
    assert.equal(fileBytes(box.credentialsFile), credentials);
    assert.equal(existsSync(recordFile(box)), false, 'the record went with the setup');
    const listing = await accountListing(box);
    assert.deepEqual(listing.users, []);
    assert.deepEqual(listing.roles.filter((r) => r.name === 'admin'), []);
    assert.deepEqual(listing.virtualMfa, []);
  } finally {
    box.cleanup();
  }
});

test('setups made before records were kept (no setups.json) are found from their profiles: teardown --yes --profile ro2 removes exactly the second', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const afterFirst = await twoSetups(box);
    rmSync(recordFile(box));
    const r = await teardown(box, ['--yes', '--profile', 'ro2']);
    assert.equal(r.code, 0, out(r));
    assert.match(r.stdout, /IAM user ro2: removed/);
    assert.match(r.stdout, /IAM role admin2: removed/);
    const after = await snapshot(box);
    assert.deepEqual({ ...after, record: undefined }, { ...afterFirst, record: undefined });
    assert.equal(after.record, undefined, 'no record is invented');
    // and the one left is the only setup: plain teardown would act on it alone (listed, not removed here)
    const listed = await runRolegate(['status', '--offline'], { env: box.env });
    assert.match(listed.stdout, /setup on this machine:\nACCOUNT +USER +ROLE +PROFILES +STORE\n\d+ +admin +admin +default, admin +plain \(found from its profiles\)\n/);
    await firstStillWorks(box);
  } finally {
    box.cleanup();
  }
});
