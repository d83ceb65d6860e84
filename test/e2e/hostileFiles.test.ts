/**
 * Files a hostile local process (or another user) plants where rolegate reads: FIFOs, links to
 * /dev/zero, cache entries that claim to last for ever, a 200 MB config. Every command ends within
 * the test's bound with a clear message (or serves fresh credentials), and memory stays bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run, runRolegate, type RunResult } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { OTHER_USER, otherUserCannotRun } from '../harness/otherUser.js';
import { keyFilePath, sessionCacheFile } from '../../src/files/rolegatePaths.cjs';
import { journalPath } from '../../src/setups/rotationJournal.js';
import { shortcutFile } from '../../src/cache/credentialProcessShortcut.cjs';
import { useCredAccount, mfaProcessRuns, PASSPHRASE, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store', extraEnv: { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE } }, (made) => ({ box, account } = made));

/** Every run here is bounded: a hang shows as a kill by this timeout, and fails the test. */
const BOUND_MS = 20_000;
const MEMORY_LIMIT_KB = 400 * 1024;

/** Runs rolegate under /usr/bin/time for its peak memory (maxRSS, KiB). */
async function rolegate(args: string[], env: NodeJS.ProcessEnv = box.env): Promise<RunResult & { maxRssKb: number }> {
  const result = await run('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, rolegateBin, ...args], { env, timeoutMs: BOUND_MS });
  assert.equal(result.signal, null, `rolegate ${args.join(' ')} was killed after ${BOUND_MS} ms: it hung`);
  const maxRssKb = Number(/maxrss=(\d+)/.exec(result.stderr)?.[1]);
  assert.ok(maxRssKb > 0 && maxRssKb < MEMORY_LIMIT_KB, `rolegate ${args.join(' ')} used ${maxRssKb} KiB`);
  return { ...result, stderr: result.stderr.replace(/maxrss=\d+\n?/, ''), maxRssKb };
}

function plantFifo(path: string): void {
  rmSync(path, { force: true });
  mkdirSync(join(path, '..'), { recursive: true });
  execFileSync('mkfifo', [path]);
}

test('a FIFO at a cache entry or at the shortcut note does not hang credential-process, on a cache hit or not', async () => {
  const first = await rolegate(['credential-process', 'admin']);
  assert.equal(first.code, 0, first.stderr);
  const served = JSON.parse(first.stdout).AccessKeyId;

  plantFifo(shortcutFile('admin', box.env));
  const viaFull = await rolegate(['credential-process', 'admin']);
  assert.equal(viaFull.code, 0, viaFull.stderr);
  assert.equal(JSON.parse(viaFull.stdout).AccessKeyId, served, 'answered from the cache by the full path');
  assert.ok(lstatSync(shortcutFile('admin', box.env)).isFile(), 'the note was written anew over the FIFO');

  plantFifo(sessionCacheFile('role-admin', box.env));
  const refreshed = await rolegate(['credential-process', 'admin']);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.match(JSON.parse(refreshed.stdout).AccessKeyId, /^ASIA/);
  assert.ok(lstatSync(sessionCacheFile('role-admin', box.env)).isFile());
  assert.equal(mfaProcessRuns(account), 1, 'the MFA session was still good: no new code');

  const status = await rolegate(['status']);
  assert.equal(status.code, 0, status.stderr);
});

test('a FIFO or /dev/zero as keys.enc or rotate.json: credential-process, status and rotate end with a message naming the file', async () => {
  for (const plant of ['fifo', 'zero'] as const) {
    for (const path of [keyFilePath(box.env), journalPath(box.env)]) {
      const saved = existsSync(path) ? readFileSync(path) : undefined;
      if (plant === 'fifo') plantFifo(path);
      else {
        rmSync(path, { force: true });
        mkdirSync(join(path, '..'), { recursive: true });
        symlinkSync('/dev/zero', path);
      }
      const what = plant === 'fifo' ? /a FIFO/ : /a character device/;
      if (path === keyFilePath(box.env)) {
        rmSync(join(box.home, '.cache'), { recursive: true, force: true }); // cold: the key is needed
        const cred = await rolegate(['credential-process', 'default']);
        assert.notEqual(cred.code, 0);
        assert.match(cred.stderr, /rolegate does not read .*keys\.enc: it is/);
        assert.match(cred.stderr, what);
      } else {
        const rotate = await rolegate(['rotate']);
        assert.notEqual(rotate.code, 0);
        assert.match(rotate.stderr, /rotate\.json/);
        assert.match(rotate.stderr, what);
      }
      const status = await rolegate(['status']);
      assert.match(status.stdout + status.stderr, what, `status names the ${plant} at ${path}`);
      rmSync(path, { force: true });
      if (saved) writeFileSync(path, saved, { mode: 0o600 });
    }
  }
});

test('a FIFO as ~/.bash_history or $HISTFILE: audit --local finishes and says it did not scan it', async () => {
  plantFifo(join(box.home, '.bash_history'));
  const histfile = join(box.home, 'elsewhere', 'history');
  plantFifo(histfile);
  const result = await rolegate(['audit', '--local', '--json'], { ...box.env, HISTFILE: histfile });
  assert.equal(result.code, 0, result.stderr);
  const unscanned = (JSON.parse(result.stdout) as { findings: Array<{ id: string; where: string }> }).findings.filter((f) => f.id === 'local.unscanned-file');
  assert.deepEqual(unscanned.map((f) => f.where).sort(), [join(box.home, '.bash_history'), histfile].sort());
});

test("a cache entry that lasts longer than STS issues is damaged: not served, not shown as valid", async () => {
  const first = await rolegate(['credential-process', 'admin']);
  assert.equal(first.code, 0, first.stderr);
  const session = readFileSync(sessionCacheFile('session-default', box.env));
  for (const name of ['role-admin', 'session-default']) {
    const path = sessionCacheFile(name, box.env);
    const entry = JSON.parse(readFileSync(path, 'utf8'));
    entry.Credentials.AccessKeyId = 'ASIAFOREVEREXAMPLE01';
    entry.Credentials.Expiration = '9999-12-31T00:00:00Z';
    writeFileSync(path, JSON.stringify(entry), { mode: 0o600 });
  }
  const status = await rolegate(['status']);
  assert.doesNotMatch(status.stdout, /valid \d{5,}h/);
  assert.match(status.stderr, /ignoring the damaged cache file .*role-admin\.json/);
  assert.match(status.stderr, /ignoring the damaged cache file .*session-default\.json/);
  // the real MFA session back (a new one would need the next unused MFA code, up to 30 s away)
  writeFileSync(sessionCacheFile('session-default', box.env), session, { mode: 0o600 });
  const next = await rolegate(['credential-process', 'admin']);
  assert.equal(next.code, 0, next.stderr);
  assert.notEqual(JSON.parse(next.stdout).AccessKeyId, 'ASIAFOREVEREXAMPLE01');
  assert.equal(mfaProcessRuns(account), 1);
});

test('config set refuses a value with a NUL byte; a 200 MB config is refused without reading it', async () => {
  const before = readFileSync(box.configFile, 'utf8');
  const nul = await run(process.execPath, [rolegateBin, 'config', 'set', 'default', 'region', '-'], { env: box.env, input: 'eu-west-1\0us-east-1' });
  assert.equal(nul.code, 2);
  assert.match(nul.stderr, /contains a NUL byte/);
  assert.equal(readFileSync(box.configFile, 'utf8'), before);

  truncateSync(box.configFile, 200 * 1024 * 1024);
  for (const args of [['config', 'get', 'default', 'region'], ['config', 'set', 'default', 'region', 'x'], ['credential-process', 'admin']]) {
    const result = await rolegate(args);
    assert.notEqual(result.code, 0, args.join(' '));
    assert.match(result.stderr, /larger than 8 MiB/, args.join(' '));
  }
  assert.equal(lstatSync(box.configFile).size, 200 * 1024 * 1024);
});

test("as another user: a FIFO or a file of root's planted in a world-writable sessions folder is never read or served", { skip: otherUserCannotRun([rolegateBin]) }, async () => {
  const user = OTHER_USER;
  // everything of the sandbox belongs to the unprivileged user who runs rolegate
  execFileSync('chown', ['-R', `${user}:${user}`, box.home]);
  const env = { ...box.env };
  // run as the user through setpriv (util-linux)
  const asUser = (args: string[]) => run('setpriv', [`--reuid=${user}`, `--regid=${user}`, '--clear-groups', process.execPath, rolegateBin, ...args], { env, timeoutMs: BOUND_MS });
  rmSync(join(box.home, '.cache'), { recursive: true, force: true });
  const warm = await asUser(['credential-process', 'admin']);
  assert.equal(warm.code, 0, warm.stderr);
  const served = JSON.parse(warm.stdout).AccessKeyId;
  const sessions = join(box.home, '.cache', 'rolegate', 'sessions');
  chmodSync(sessions, 0o777); // left open by an older tool
  const rolePath = sessionCacheFile('role-admin', env);
  rmSync(rolePath);
  execFileSync('mkfifo', [rolePath]); // root's: another user's
  const hit = await asUser(['credential-process', 'admin']);
  assert.equal(hit.signal, null, 'credential-process hung on the FIFO');
  assert.equal(hit.code, 0, hit.stderr);
  rmSync(rolePath, { force: true });
  const planted = JSON.parse(readFileSync(sessionCacheFile('session-default', env), 'utf8'));
  planted.kind = 'role';
  planted.profile = 'admin';
  planted.Credentials.AccessKeyId = 'ASIAROOTEXAMPLE00001';
  writeFileSync(rolePath, JSON.stringify(planted), { mode: 0o644 });
  chownSync(rolePath, 0, 0);
  const again = await asUser(['credential-process', 'admin']);
  assert.equal(again.code, 0, again.stderr);
  assert.notEqual(JSON.parse(again.stdout).AccessKeyId, 'ASIAROOTEXAMPLE00001');
  assert.notEqual(served, undefined);
});
