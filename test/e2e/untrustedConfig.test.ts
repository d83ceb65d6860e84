/**
 * Files rolegate takes commands from are trusted first (as ssh's StrictModes): a config another
 * user owns, or one in a folder others can write, has its mfa_process refused with a clear message,
 * and `audit --local` reports it at high severity with a fix that, run as printed, clears it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run, runRolegate } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { OTHER_USER, otherUserCannotRun } from '../harness/otherUser.js';
import { useCredAccount, mfaProcessRuns, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

const OTHER_UID = 4344;
const asRoot = process.getuid?.() === 0;

interface AuditFinding {
  id: string;
  severity: string;
  where: string;
  fix: string;
}

async function localFindings(env: NodeJS.ProcessEnv = box.env): Promise<AuditFinding[]> {
  const result = await runRolegate(['audit', '--local', '--json'], { env });
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { findings: AuditFinding[] }).findings;
}

/** Runs the fix audit printed, as printed, in a shell. */
async function runFix(fix: string, env: NodeJS.ProcessEnv = box.env): Promise<void> {
  const ran = await run('/bin/sh', ['-c', fix], { env });
  assert.equal(ran.code, 0, `${fix}: ${ran.stderr}`);
}

test("a config owned by another user: its mfa_process is not run; audit's high finding, fixed as printed, clears it", { skip: !asRoot && 'needs root to give a file to another user' }, async () => {
  chownSync(box.configFile, OTHER_UID, OTHER_UID);
  const refused = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(refused.code, 1, refused.stderr);
  const message = stripVTControlCharacters(refused.stderr);
  assert.match(message, new RegExp(`will not run the mfa_process command from ${box.configFile}`));
  assert.match(message, new RegExp(`${box.configFile} belongs to another user \\(uid ${OTHER_UID}\\)`));
  assert.match(message, /mv .*config .*config\.untrusted/, 'says what to do');
  assert.equal(mfaProcessRuns(account), 0, 'mfa_process did not run');

  const found = (await localFindings()).filter((f) => f.id === 'local.foreign-owner');
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0]!.severity, 'high');
  assert.ok(!(await localFindings()).some((f) => f.id === 'local.file-permissions' && f.where === box.configFile), 'no chmod fix that fails for a file not yours');
  await runFix(found[0]!.fix);
  assert.deepEqual((await localFindings()).filter((f) => f.id === 'local.foreign-owner' || f.id === 'local.file-permissions'), []);
  const served = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(served.code, 0, served.stderr);
  assert.equal(mfaProcessRuns(account), 1);
});

test("a world-writable ~/.aws: mfa_process is not run; audit's high finding, fixed as printed, clears it", async () => {
  const folder = join(box.home, '.aws');
  chmodSync(folder, 0o777);
  const refused = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(refused.code, 1, refused.stderr);
  const message = stripVTControlCharacters(refused.stderr);
  assert.match(message, new RegExp(`${folder} is writable by other users \\(mode 0777\\)`));
  assert.match(message, new RegExp(`chmod go-w ${folder}`));
  assert.equal(mfaProcessRuns(account), 0, 'mfa_process did not run');

  const found = (await localFindings()).filter((f) => f.id === 'local.writable-path');
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0]!.severity, 'high');
  assert.equal(found[0]!.where, folder);
  await runFix(found[0]!.fix);
  assert.deepEqual((await localFindings()).filter((f) => f.id === 'local.writable-path'), []);
  const served = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(served.code, 0, served.stderr);
});

test("verify does not run the mfa_process of a group-writable config", async () => {
  chmodSync(box.configFile, 0o664);
  const verify = await runRolegate(['verify'], { env: box.env });
  assert.notEqual(verify.code, 0);
  assert.match(stripVTControlCharacters(verify.stdout + verify.stderr), /writable by its group \(mode 0664\)/);
  assert.equal(mfaProcessRuns(account), 0);
});

test('verify --mfa-code-command runs the command given on its command line, even with a group-writable config (only mfa_process from a file is checked)', async () => {
  chmodSync(box.configFile, 0o664);
  const givenCounter = join(box.home, 'given-command-calls.txt');
  const given = account.mfaProcess.replace(`'${account.counterFile}'`, `'${givenCounter}'`);
  assert.notEqual(given, account.mfaProcess);
  const verify = await runRolegate(['verify', '--mfa-code-command', given], { env: box.env });
  const output = stripVTControlCharacters(verify.stdout + verify.stderr);
  assert.doesNotMatch(output, /will not run/);
  assert.equal(existsSync(givenCounter) ? readFileSync(givenCounter, 'utf8').split('\n').filter(Boolean).length : 0, 1, output);
  assert.equal(mfaProcessRuns(account), 0, "the config's mfa_process never ran");
  assert.ok((await moto.requests()).some((r) => r.action === 'AssumeRole' && !r.refused), output);
});

test('as the user, with ~/.aws left world-writable: another user replaces the config; its mfa_process never runs', { skip: otherUserCannotRun([rolegateBin]) }, async () => {
  const user = OTHER_USER;
  execFileSync('chown', ['-R', `${user}:${user}`, box.home]);
  chmodSync(join(box.home, '.aws'), 0o777);
  const marker = join(box.home, 'ran-as-the-user');
  // the other user's config: the same profiles, with an mfa_process of theirs
  const planted = readFileSync(box.configFile, 'utf8').replace(/mfa_process = .*/g, `mfa_process = touch ${marker}; echo 123456`);
  rmSync(box.configFile);
  writeFileSync(box.configFile, planted, { mode: 0o644 });
  chownSync(box.configFile, OTHER_UID, OTHER_UID);
  const asUser = await run('setpriv', [`--reuid=${user}`, `--regid=${user}`, '--clear-groups', process.execPath, rolegateBin, 'credential-process', 'admin'], { env: box.env });
  assert.equal(asUser.code, 1, asUser.stderr);
  const message = stripVTControlCharacters(asUser.stderr);
  assert.match(message, /will not run the mfa_process command/);
  assert.match(message, new RegExp(`belongs to another user \\(uid ${OTHER_UID}\\)`));
  assert.match(message, /is writable by other users \(mode 0777\)/);
  assert.ok(!existsSync(marker), "the other user's command ran as the user");
});
