// Teardown leaves nothing of rolegate's on the machine: every path under HOME after teardown was
// there before setup (caches, locks, shortcut notes, backups and rolegate's folders gone), and a
// secret access key that moved into a store is found in no file, backups included. Also: the code
// command given to setup becomes the profiles' mfa_process, so AWS calls without a terminal work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, lstatSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { runAws, runRolegate, type RunResult } from '../harness/run.js';
import { recordSecret } from '../harness/secretRegistry.js';
import { openKeyStore } from '../../src/keys/keyStore.js';
import { SharedFileDocument } from '../../src/config/profileDocument.js';
import { filesContaining } from './credFixture.js';
import { setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();
const here = dirname(fileURLToPath(import.meta.url));
const PASSPHRASE = 'correct horse battery staple (leftovers)';
const out = (r: RunResult) => r.stdout + r.stderr;

/** Every path under `dir`, relative, sorted (folders too, so an empty folder left behind shows). */
function pathsUnder(dir: string): string[] {
  const paths: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      paths.push(relative(dir, path));
      if (lstatSync(path).isDirectory()) walk(path);
    }
  };
  walk(dir);
  return paths.sort();
}

/** Pairing and code commands whose seed and code state live outside HOME (so HOME holds only what rolegate and AWS tools write). */
function mfaFlagsOutsideHome(): { flags: string[]; codeCommand: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-totp-'));
  const script = join(here, 'setupTotpCommand.js');
  const file = join(dir, 'totp-uri');
  const codeCommand = `'${process.execPath}' '${script}' code '${file}'`;
  return {
    flags: ['--mfa-pair-command', `'${process.execPath}' '${script}' pair '${file}'`, '--mfa-code-command', codeCommand],
    codeCommand,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function run(box: Sandbox, args: string[]) {
  return runRolegate(args, { env: box.env, timeoutMs: 120_000 });
}

async function arnOf(box: Sandbox, profile: string): Promise<string> {
  const r = await runAws(['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: '' });
  assert.equal(r.code, 0, `aws --profile ${profile}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { Arn: string }).Arn;
}

test('setup (file store), a few calls, rotate, teardown --yes: no path under HOME that was not there before', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  const mfa = mfaFlagsOutsideHome();
  try {
    mkdirSync(join(box.home, '.cache'));
    mkdirSync(join(box.home, '.config'));
    const before = pathsUnder(box.home);

    const setup = await run(box, ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', ...mfa.flags]);
    assert.equal(setup.code, 0, out(setup));
    assert.equal(await arnOf(box, 'default'), `arn:aws:iam::${ACCOUNT_ID}:user/admin`);
    assert.match(await arnOf(box, 'admin'), /:assumed-role\/admin\//);
    const env = await run(box, ['env', 'admin']);
    assert.equal(env.code, 0, out(env));
    const status = await run(box, ['status']);
    assert.equal(status.code, 0, out(status));
    const rotate = await run(box, ['rotate', '--yes']);
    assert.equal(rotate.code, 0, out(rotate));
    assert.equal(await arnOf(box, 'admin').then((a) => a.includes(':assumed-role/admin/')), true);
    // rolegate left its things: there is something to clean up
    assert.ok(pathsUnder(box.home).some((p) => p.startsWith(join('.cache', 'rolegate'))), 'the calls cached sessions');
    // the shipped bundle keeps its compiled code under the cache (files/codeCache.cts); the tests run the unbundled tree, so one is put there
    mkdirSync(join(box.home, '.cache', 'rolegate', 'code'), { recursive: true });
    writeFileSync(join(box.home, '.cache', 'rolegate', 'code', 'credentialProcess.cjs-0-0.v8'), 'compiled code');

    const teardown = await run(box, ['teardown', '--bootstrap-profile', 'bootstrap', '--yes']);
    assert.equal(teardown.code, 0, out(teardown));
    assert.match(teardown.stdout, /Teardown complete/);
    assert.deepEqual(pathsUnder(box.home), before, 'no new path under HOME, and none of the old ones gone');
  } finally {
    mfa.cleanup();
    box.cleanup();
  }
});

test('a rotation killed after its new key was created, then teardown --yes: the journal entry goes with the user and its keys; no new path under HOME', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  const mfa = mfaFlagsOutsideHome();
  try {
    mkdirSync(join(box.home, '.cache'));
    mkdirSync(join(box.home, '.config'));
    const before = pathsUnder(box.home);
    const setup = await run(box, ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', ...mfa.flags]);
    assert.equal(setup.code, 0, out(setup));
    const killed = await runRolegate(['rotate', '--yes'], { env: { ...box.env, ROLEGATE_TEST_KILL_AFTER_STEP: 'created' }, timeoutMs: 120_000 });
    assert.equal(killed.signal, 'SIGKILL', out(killed));
    const status = await run(box, ['status', '--offline']);
    assert.match(status.stdout, /unfinished key rotation of profile default/, 'the kill left a journal entry');
    const keys = await runAws(['--profile', 'bootstrap', 'iam', 'list-access-keys', '--user-name', 'admin', '--output', 'json'], { env: box.env, input: '' });
    assert.equal((JSON.parse(keys.stdout) as { AccessKeyMetadata: unknown[] }).AccessKeyMetadata.length, 2, 'the old key and the new one');

    const teardown = await run(box, ['teardown', '--bootstrap-profile', 'bootstrap', '--yes']);
    assert.equal(teardown.code, 0, out(teardown));
    const user = await runAws(['--profile', 'bootstrap', 'iam', 'get-user', '--user-name', 'admin'], { env: box.env, input: '' });
    assert.notEqual(user.code, 0, 'the user is gone, with both keys');
    assert.match(user.stderr, /NoSuchEntity/);
    const after = await run(box, ['status', '--offline']);
    assert.doesNotMatch(after.stdout + after.stderr, /unfinished key rotation/);
    assert.deepEqual(pathsUnder(box.home), before, 'rotate.json and rolegate\'s folders are gone too');
  } finally {
    mfa.cleanup();
    box.cleanup();
  }
});

test('setup --store plain, then import default --store file: the secret key is in no file under HOME (backups included), only in the store; after teardown, nowhere', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  const mfa = mfaFlagsOutsideHome();
  try {
    const setup = await run(box, ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', ...mfa.flags]);
    assert.equal(setup.code, 0, out(setup));
    const doc = new SharedFileDocument('credentials', readFileSync(box.credentialsFile, 'utf8'));
    const secret = doc.getValue('default', 'aws_secret_access_key');
    assert.ok(secret, 'setup --store plain put the key in the credentials file');
    recordSecret('secret access key', secret);
    assert.deepEqual(filesContaining(box.home, secret), [box.credentialsFile]);

    const imported = await run(box, ['import', 'default', '--store', 'file']);
    assert.equal(imported.code, 0, out(imported));
    assert.deepEqual(filesContaining(box.home, secret), [], 'not in the credentials file, nor in its backup');
    const backup = `${box.credentialsFile}.rolegate.bak`;
    assert.equal(statSync(backup).mode & 0o777, 0o600, 'the backup is 0600');
    assert.match(readFileSync(backup, 'utf8'), /\[bootstrap\]/, 'the backup keeps the rest of the previous file');
    const stored = await (await openKeyStore('file', { env: box.env })).load('default');
    assert.equal(stored?.secretAccessKey, secret, 'the store holds the key');
    // as setup's note says: codes from the command once the key is in a store
    const set = await run(box, ['config', 'set', 'default', 'mfa_process', mfa.codeCommand]);
    assert.equal(set.code, 0, out(set));
    assert.equal(await arnOf(box, 'default'), `arn:aws:iam::${ACCOUNT_ID}:user/admin`);
    assert.deepEqual(filesContaining(box.home, secret), []);

    const teardown = await run(box, ['teardown', '--bootstrap-profile', 'bootstrap', '--yes']);
    assert.equal(teardown.code, 0, out(teardown));
    assert.deepEqual(filesContaining(box.home, secret), []);
    assert.deepEqual(pathsUnder(join(box.home, '.config')), [], 'keys.enc and its folder are gone');
  } finally {
    mfa.cleanup();
    box.cleanup();
  }
});

test("setup's --mfa-code-command becomes the profiles' mfa_process: the first aws --profile admin call without a terminal works", async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  const mfa = mfaFlagsOutsideHome();
  try {
    const setup = await run(box, ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', ...mfa.flags]);
    assert.equal(setup.code, 0, out(setup));
    assert.match(setup.stdout, /take their MFA codes from mfa_process/);
    const doc = new SharedFileDocument('config', readFileSync(box.configFile, 'utf8'));
    assert.equal(doc.getValue('default', 'mfa_process'), mfa.codeCommand);
    assert.equal(doc.getValue('admin', 'mfa_process'), mfa.codeCommand);
    // the harness runs every command without a controlling terminal, and no desktop
    assert.match(await arnOf(box, 'admin'), new RegExp(`^arn:aws:sts::${ACCOUNT_ID}:assumed-role/admin/`));

    // --store plain: the AWS CLI reads no mfa_process; setup says so and what to do instead
    const plainBox = setupSandbox(moto.endpoint);
    const plainMfa = mfaFlagsOutsideHome();
    try {
      const plain = await run(plainBox, ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', '--user-name', 'ro2', '--role-name', 'admin2', '--policy-name', 'admin2', ...plainMfa.flags]);
      assert.equal(plain.code, 0, out(plain));
      assert.match(plain.stdout, /used for pairing only: with --store plain the AWS CLI resolves profile admin itself and reads no mfa_process/);
      assert.match(plain.stdout, /rolegate import default --store file/);
      assert.doesNotMatch(readFileSync(plainBox.configFile, 'utf8'), /mfa_process/);
    } finally {
      plainMfa.cleanup();
      plainBox.cleanup();
    }
  } finally {
    mfa.cleanup();
    box.cleanup();
  }
});

test("two setups: tearing down the second removes its sessions and notes only; the first's stay, and its own teardown then leaves no new path", async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  const first = mfaFlagsOutsideHome();
  const second = mfaFlagsOutsideHome();
  const names = ['--profile', 'ro2', '--admin-profile', 'admin2', '--user-name', 'ro2', '--role-name', 'admin2'];
  try {
    mkdirSync(join(box.home, '.cache'));
    mkdirSync(join(box.home, '.config'));
    const before = pathsUnder(box.home);
    for (const [mfa, extra] of [[first, []], [second, [...names, '--policy-name', 'admin2']]] as const) {
      const setup = await run(box, ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', ...mfa.flags, ...extra]);
      assert.equal(setup.code, 0, out(setup));
    }
    assert.equal(await arnOf(box, 'default'), `arn:aws:iam::${ACCOUNT_ID}:user/admin`);
    assert.equal(await arnOf(box, 'ro2'), `arn:aws:iam::${ACCOUNT_ID}:user/ro2`);
    const cache = join(box.home, '.cache', 'rolegate');
    const present = (path: string) => pathsUnder(cache).includes(path);
    for (const path of [join('sessions', 'session-default.json'), join('shortcuts', 'default.json'), join('sessions', 'session-ro2.json'), join('shortcuts', 'ro2.json')]) {
      assert.ok(present(path), `${path} was written by the calls`);
    }

    const removed = await run(box, ['teardown', '--bootstrap-profile', 'bootstrap', '--yes', ...names]);
    assert.equal(removed.code, 0, out(removed));
    assert.equal(present(join('sessions', 'session-ro2.json')), false);
    assert.equal(present(join('shortcuts', 'ro2.json')), false);
    assert.ok(present(join('sessions', 'session-default.json')), "the first setup's session stays");
    assert.ok(present(join('shortcuts', 'default.json')), "the first setup's shortcut note stays");
    assert.ok(pathsUnder(join(box.home, '.config', 'rolegate')).includes('keys.enc'), "the first setup's stored key stays");
    assert.equal(await arnOf(box, 'default'), `arn:aws:iam::${ACCOUNT_ID}:user/admin`);

    const last = await run(box, ['teardown', '--bootstrap-profile', 'bootstrap', '--yes']);
    assert.equal(last.code, 0, out(last));
    assert.deepEqual(pathsUnder(box.home), before);
  } finally {
    first.cleanup();
    second.cleanup();
    box.cleanup();
  }
});
