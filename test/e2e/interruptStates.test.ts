// Ctrl-C (SIGINT) or SIGTERM part-way through teardown and rotate: each says what exists now and
// the command that completes it, and exits 130; the command it names, run as printed, completes it,
// and no active key is then left without a stored copy. The moment is set by the pause hook
// (ROLEGATE_TEST_PAUSE_AT): the process stops at that point and says so, and only then is signalled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { rolegateBin } from '../harness/paths.js';
import { run, type RunResult } from '../harness/run.js';
import { quotePosix } from '../../src/shellQuote.js';
import { pendingRotation } from '../../src/rotate/pendingRotation.js';
import { signalWhileCodeWaits, waitingCodeCommand } from './codeWaitSignal.js';
import { accountListing, fileBytes, mfaFlags, setup, setupSandbox, makeSandbox, type Sandbox } from './setupSupport.js';
import { buildPlainAccount, cliIdentity, listKeys, plainStoredKey, USER_ARN } from './rotateFixture.js';

const moto = useMotoServer();

/**
 * Runs rolegate until it reaches a pause point (`points`, comma-separated), then sends it the first
 * of `signals`; each further signal is sent when it reaches the next pause point.
 */
async function interrupted(box: Sandbox, args: string[], points: string, ...signals: NodeJS.Signals[]): Promise<RunResult> {
  const marker = join(box.home, 'paused-pid');
  const child = spawn(process.execPath, [rolegateBin, ...args], {
    env: { ...box.env, ROLEGATE_TEST_PAUSE_AT: points, ROLEGATE_TEST_PAUSE_FILE: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, sig) => resolve({ code, signal: sig })));
  for (const signal of signals) {
    const deadline = Date.now() + 60_000;
    while (!existsSync(marker) || readFileSync(marker, 'utf8').trim() === '') {
      if (child.exitCode !== null) throw new Error(`rolegate ended before it paused (${points}): ${stdout}${stderr}`);
      if (Date.now() > deadline) throw new Error(`rolegate never paused (${points}): ${stdout}${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    rmSync(marker);
    child.kill(signal);
  }
  const end = await closed;
  return { ...end, stdout, stderr };
}

/** The command a message names after `lead`, run as printed (through a shell), `rolegate` being the built CLI. */
function runNamed(box: Sandbox, stderr: string, lead: string): Promise<RunResult> {
  const line = stderr.split('\n').find((l) => l.includes(lead));
  assert.ok(line, `the message names a command after "${lead}": ${stderr}`);
  const command = line.slice(line.indexOf(lead) + lead.length).trim();
  assert.match(command, /^rolegate /);
  const shell = `${quotePosix(process.execPath)} ${quotePosix(rolegateBin)} ${command.slice('rolegate '.length)}`;
  return run('/bin/sh', ['-c', shell], { env: box.env, timeoutMs: 120_000 });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} part-way through teardown: what is removed and what is still there, exit 130; the named command finishes it`, async () => {
    const box = setupSandbox(moto.endpoint);
    try {
      const before = { config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile) };
      assert.equal((await setup(box)).code, 0);
      const args = ['teardown', '--bootstrap-profile', 'bootstrap', '--yes'];
      // after the 4th action: both policies detached, the MFA device and the access key gone
      const stopped = await interrupted(box, args, 'teardown:4', signal);
      assert.equal(stopped.code, 130, stopped.stderr);
      assert.match(stopped.stderr, new RegExp(`rolegate: ${signal === 'SIGINT' ? 'interrupted \\(Ctrl-C\\)' : 'stopped \\(SIGTERM\\)'}\\.`));
      assert.match(stopped.stderr, /teardown was interrupted\. What exists now:/);
      assert.match(stopped.stderr, /  - policy arn:aws:iam::aws:policy\/SecurityAudit on user admin: removed/);
      assert.match(stopped.stderr, /  - access key AKIA\w+ of user admin: removed/);
      assert.match(stopped.stderr, /  = inline policy admin on user admin: still there/);
      assert.match(stopped.stderr, /  = IAM user admin: still there/);
      assert.match(stopped.stderr, /  = IAM role admin: still there/);
      assert.match(stopped.stderr, /  = profiles default, admin in .*: still there/);
      assert.doesNotMatch(stopped.stderr, /Teardown complete/);
      // what the message says is what IAM holds: the user and role are there, the key is not
      const listing = await accountListing(box);
      assert.deepEqual(listing.users.map((u) => [u.name, u.keys, u.attached]), [['admin', [], []]]);
      assert.deepEqual(listing.roles.map((r) => r.name).filter((n) => n === 'admin'), ['admin']);

      const finished = await runNamed(box, stopped.stderr, 'to finish, run the same command again: ');
      assert.equal(finished.code, 0, finished.stdout + finished.stderr);
      assert.match(finished.stdout, /Teardown complete/);
      const after = await accountListing(box);
      assert.deepEqual(after.users, []);
      assert.deepEqual(after.roles.filter((r) => r.name === 'admin'), []);
      assert.deepEqual(after.virtualMfa, []);
      assert.deepEqual({ config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile) }, before, 'the files are as before setup');
    } finally {
      box.cleanup();
    }
  });
}

// Where a signal lands decides what it does: after "stored" it stops at once; between CreateAccessKey
// and the store (here at "proven") it is held until the new key is stored, so that no active key is
// left without a copy; the same signal again in that window stops at once, and the next run undoes it.
const ROTATE_POINTS = [
  { signal: 'SIGINT', points: 'rotate:proven', signals: 1, stored: 'new', lead: '), run the same command again: ' },
  { signal: 'SIGINT', points: 'rotate:created,rotate:proven', signals: 2, stored: 'old', lead: 'and rotate again, run the same command again: ' },
  { signal: 'SIGTERM', points: 'rotate:stored', signals: 1, stored: 'new', lead: '), run the same command again: ' },
] as const;

for (const { signal, points, signals, stored, lead } of ROTATE_POINTS) {
  const point = points.split(',').at(-1)!;
  test(`${signal}${signals === 2 ? ' twice' : ''} in rotate at "${point.slice('rotate:'.length)}": both keys named, which one is stored, exit 130; the named command settles it, one key, stored`, async () => {
    const box = makeSandbox({ endpoint: moto.endpoint });
    try {
      const { key: old } = await buildPlainAccount(box);
      const stopped = await interrupted(box, ['rotate', '--yes'], points, ...Array<NodeJS.Signals>(signals).fill(signal));
      assert.equal(stopped.code, 130, stopped.stderr);
      assert.match(stopped.stderr, /rotate was interrupted\. What exists now \(user admin, profile default\):/);
      const held = /stopping as soon as the new key is checked and stored, or deleted again, so that no access key is left without a stored copy \(Ctrl-C again stops now/;
      if (point === 'rotate:stored') assert.doesNotMatch(stopped.stderr, /stopping as soon as/, 'after the store, a signal stops at once');
      else assert.match(stopped.stderr, held, 'inside the window the first signal waits for the store');
      const keys = await listKeys(box);
      assert.equal(keys.length, 2, 'the old key and the new one');
      const created = keys.find((k) => k.AccessKeyId !== old.accessKeyId)!.AccessKeyId;
      const inStore = plainStoredKey(box)!.accessKeyId;
      if (stored === 'old') {
        assert.equal(inStore, old.accessKeyId);
        assert.match(stopped.stderr, new RegExp(`= old key ${old.accessKeyId}: active in IAM, stored in profile default, in use`));
        assert.match(stopped.stderr, new RegExp(`\\+ new key ${created}: created in IAM \\(active\\), not stored`));
        assert.match(stopped.stderr, new RegExp(`to undo it \\(delete the new key, keep ${old.accessKeyId}\\) and rotate again, run the same command again: rolegate rotate --yes`));
      } else {
        assert.equal(inStore, created);
        assert.match(stopped.stderr, new RegExp(`\\+ new key ${created}: active in IAM, stored in profile default, in use`));
        assert.match(stopped.stderr, new RegExp(`= old key ${old.accessKeyId}: still active in IAM, no longer stored`));
        assert.match(stopped.stderr, new RegExp(`to finish it \\(delete the old key ${old.accessKeyId}\\), run the same command again: rolegate rotate --yes`));
      }
      assert.equal((await pendingRotation(box.env)).length, 1, 'the journal records the unfinished rotation');
      // every key IAM holds is accounted for by the message; the stored one works
      for (const k of keys) assert.match(stopped.stderr, new RegExp(k.AccessKeyId));
      assert.equal((await cliIdentity(box)).arn, USER_ARN);

      const settled = await runNamed(box, stopped.stderr, lead);
      assert.equal(settled.code, 0, settled.stdout + settled.stderr);
      assert.match(settled.stdout, stored === 'old' ? /undid the interrupted rotation/ : /finished the interrupted rotation/);
      // exactly one key is active in IAM, and it is the stored one: none is left without a copy
      const final = plainStoredKey(box)!;
      assert.deepEqual(await listKeys(box), [{ AccessKeyId: final.accessKeyId, Status: 'Active' }]);
      assert.notEqual(final.accessKeyId, old.accessKeyId);
      assert.equal((await cliIdentity(box)).arn, USER_ARN);
      assert.deepEqual(await pendingRotation(box.env), []);
    } finally {
      box.cleanup();
    }
  });
}

test('SIGTERM in rotate before anything changed (waiting for the MFA code): says nothing changed, exit 130, no journal, one key', async () => {
  const box = makeSandbox({ endpoint: moto.endpoint });
  try {
    const { key: old } = await buildPlainAccount(box);
    const marker = join(box.home, 'code-pid');
    const stopped = await signalWhileCodeWaits(box, ['rotate', '--yes', '--mfa-code-command', waitingCodeCommand(marker)], marker, 'SIGTERM');
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, new RegExp(`rotate was interrupted before it changed anything: profile default still uses ${old.accessKeyId}\\.`));
    assert.match(stopped.stderr, /to rotate, run the same command again: rolegate rotate --yes --mfa-code-command/);
    assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }]);
    assert.deepEqual(await pendingRotation(box.env), []);
  } finally {
    box.cleanup();
  }
});

test('SIGINT in setup between CreateAccessKey and the store is held until the key is stored: exit 130, the one key IAM holds is the stored one; a rerun completes setup', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const args = ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', ...mfaFlags(box)];
    const stopped = await interrupted(box, args, 'setup:access-key-created', 'SIGINT');
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /stopping as soon as the new access key is stored \(plain store\), so that no access key is left without a stored copy/);
    assert.doesNotMatch(stopped.stdout, /Setup complete/);
    const listing = await accountListing(box);
    const user = listing.users.find((u) => u.name === 'admin')!;
    assert.equal(user.keys.length, 1, 'one key');
    const stored = /^\[default\]\n(?:[^[].*\n)*?aws_access_key_id\s*=\s*(\S+)/m.exec(fileBytes(box.credentialsFile) ?? '')?.[1];
    assert.equal(stored, user.keys[0], 'and it is the one stored in [default]');

    const rerun = await setup(box);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.match(rerun.stdout, /Setup complete/);
    const after = (await accountListing(box)).users.find((u) => u.name === 'admin')!;
    assert.deepEqual(after.keys, user.keys, 'the rerun kept the stored key');
    assert.equal((await cliIdentity(box)).arn, USER_ARN);
  } finally {
    box.cleanup();
  }
});
