import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, test } from 'node:test';
import { isUserError } from '../userError.js';
import { editSharedFile } from './sharedFileEditor.js';
import { OTHER_USER, otherUserCannotRun } from '../../test/harness/otherUser.js';

let home: string;
let env: NodeJS.ProcessEnv;
let configFile: string;
let credentialsFile: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'rolegate-editor-'));
  configFile = join(home, 'aws', 'config');
  credentialsFile = join(home, 'aws', 'credentials');
  env = { HOME: home, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

test('creates folder 0700 and file 0600', async () => {
  const result = await editSharedFile('config', (doc) => doc.setValue('default', 'region', 'us-east-1'), env);
  assert.deepEqual(result, { changed: true, path: configFile });
  assert.equal(readFileSync(configFile, 'utf8'), '[default]\nregion = us-east-1\n');
  assert.equal(statSync(configFile).mode & 0o777, 0o600);
  assert.equal(statSync(join(home, 'aws')).mode & 0o777, 0o700);
  assert.equal(existsSync(configFile + '.rolegate.bak'), false);
});

test('keeps a backup, keeps the config mode, forces 0600 on credentials', async () => {
  await editSharedFile('config', (doc) => doc.setValue('default', 'region', 'a'), env);
  chmodSync(configFile, 0o644);
  await editSharedFile('config', (doc) => doc.setValue('default', 'region', 'b'), env);
  assert.equal(readFileSync(configFile + '.rolegate.bak', 'utf8'), '[default]\nregion = a\n');
  assert.equal(statSync(configFile).mode & 0o777, 0o644);
  writeFileSync(credentialsFile, '[default]\n', { mode: 0o644 });
  await editSharedFile('credentials', (doc) => doc.setValue('default', 'aws_access_key_id', 'AKIAIOSFODNN7EXAMPLE'), env);
  assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
});

test('a backup never keeps a secret the edit took out of the file; secrets that stay, and everything else, are kept', async () => {
  const moved = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const stays = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY';
  const before =
    `# mine\r\n[default]\r\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\nAWS_Secret_Access_Key: ${moved}\r\nregion = x\r\n` +
    `[other]\r\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\r\naws_secret_access_key = ${stays}\r\nnote = x\r\n`;
  mkdirSync(join(home, 'aws'), { recursive: true });
  writeFileSync(credentialsFile, before, { mode: 0o600 });
  await editSharedFile(
    'credentials',
    (doc) => {
      doc.unsetValue('default', 'aws_access_key_id');
      doc.unsetValue('default', 'aws_secret_access_key');
    },
    env,
  );
  const backup = readFileSync(credentialsFile + '.rolegate.bak', 'utf8');
  assert.ok(!backup.includes(moved), 'the moved secret is not in the backup');
  assert.equal(backup, before.replace(`AWS_Secret_Access_Key: ${moved}\r\n`, ''), 'only its line is left out');
  assert.equal(statSync(credentialsFile + '.rolegate.bak').mode & 0o777, 0o600);
  // a short secret value takes out its own line only, not every line that contains it
  writeFileSync(credentialsFile, '[a]\naws_session_token = x\nnote = x\n', { mode: 0o600 });
  await editSharedFile('credentials', (doc) => doc.unsetValue('a', 'aws_session_token'), env);
  assert.equal(readFileSync(credentialsFile + '.rolegate.bak', 'utf8'), '[a]\nnote = x\n');
});

test('no change, no write', async () => {
  writeFileSync(join(home, 'c'), '[default]\nregion = a\n');
  const result = await editSharedFile('config', (doc) => doc.setValue('default', 'region', 'a'), { ...env, AWS_CONFIG_FILE: join(home, 'c') });
  assert.equal(result.changed, false);
  assert.equal(existsSync(join(home, 'c.rolegate.bak')), false);
});

test('malformed and read-only files stay byte-identical', async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(home, 'aws'));
  const bad = Buffer.from('[default]\r\nregion = a\r\nthis line is broken\r\n');
  writeFileSync(configFile, bad);
  await assert.rejects(editSharedFile('config', (doc) => doc.setValue('default', 'region', 'b'), env), (e: unknown) => isUserError(e) && /line 3/.test(e.message));
  assert.deepEqual(readFileSync(configFile), bad);
  writeFileSync(configFile, '[default]\nregion = a\n');
  chmodSync(configFile, 0o444);
  await assert.rejects(editSharedFile('config', (doc) => doc.setValue('default', 'region', 'b'), env), (e: unknown) => isUserError(e) && /read-only/.test(e.message));
  assert.equal(readFileSync(configFile, 'utf8'), '[default]\nregion = a\n');
  assert.equal(existsSync(configFile + '.rolegate.bak'), false);
});

test('concurrent edits in one process both land', async () => {
  await Promise.all(
    Array.from({ length: 8 }, (_, i) => editSharedFile('config', (doc) => doc.setValue(`p${i}`, 'region', `r${i}`), env)),
  );
  const text = readFileSync(configFile, 'utf8');
  for (let i = 0; i < 8; i++) assert.match(text, new RegExp(`\\[profile p${i}\\]\\nregion = r${i}`));
});

test('a symlinked file stays a link; the target is edited', async () => {
  const { mkdirSync, symlinkSync, lstatSync } = await import('node:fs');
  mkdirSync(join(home, 'aws'));
  const target = join(home, 'dotfiles-config');
  writeFileSync(target, '[default]\nregion = a\n');
  symlinkSync(target, configFile);
  await editSharedFile('config', (doc) => doc.setValue('default', 'region', 'b'), env);
  assert.ok(lstatSync(configFile).isSymbolicLink());
  assert.equal(readFileSync(target, 'utf8'), '[default]\nregion = b\n');
  assert.equal(readFileSync(target + '.rolegate.bak', 'utf8'), '[default]\nregion = a\n');
});

test('a lock left behind by a killed process goes stale and does not block forever', async () => {
  const { mkdirSync, utimesSync } = await import('node:fs');
  mkdirSync(join(home, 'aws'));
  const lock = configFile + '.rolegate.lock';
  mkdirSync(lock);
  const old = new Date(Date.now() - 60_000);
  utimesSync(lock, old, old);
  await editSharedFile('config', (doc) => doc.setValue('default', 'region', 'x'), env);
  assert.equal(readFileSync(configFile, 'utf8'), '[default]\nregion = x\n');
  assert.equal(existsSync(lock), false);
});

// Planted files: a link at the backup, another user's link, a FIFO, a huge file, a paused editor.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { lchownSync, lstatSync, mkdirSync, readdirSync, symlinkSync, truncateSync, utimesSync } from 'node:fs';
import { processStartTime } from '../files/atomicFile.js';

test("a symlink planted at the backup's name is replaced, not written through: the victim keeps its content and mode", async () => {
  mkdirSync(join(home, 'aws'));
  writeFileSync(configFile, '[default]\ncli_pager = more\n', { mode: 0o600 });
  const victim = join(home, 'victim');
  writeFileSync(victim, 'precious', { mode: 0o644 });
  symlinkSync(victim, configFile + '.rolegate.bak');
  await editSharedFile('config', (doc) => doc.setValue('default', 'cli_pager', 'less'), env);
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.equal(statSync(victim).mode & 0o777, 0o644);
  assert.equal(lstatSync(configFile + '.rolegate.bak').isSymbolicLink(), false);
  assert.equal(readFileSync(configFile + '.rolegate.bak', 'utf8'), '[default]\ncli_pager = more\n');
  assert.equal(readFileSync(configFile, 'utf8'), '[default]\ncli_pager = less\n');
  assert.deepEqual(readdirSync(join(home, 'aws')).sort(), ['config', 'config.rolegate.bak']);
});

test("a link chain through another user's link is refused; the file it points at is unchanged", { skip: otherUserCannotRun([fileURLToPath(new URL('./sharedFileEditor.js', import.meta.url))]) }, async () => {
  mkdirSync(join(home, 'aws'));
  const target = join(home, 'dotfiles-config');
  writeFileSync(target, '[default]\nregion = a\n');
  symlinkSync(target, configFile);
  lchownSync(configFile, 4242, 4242);
  // run as another (unprivileged) user who owns the folder but not the link
  execFileSync('chown', ['-R', `${OTHER_USER}:${OTHER_USER}`, home]);
  lchownSync(configFile, 4242, 4242);
  const script = `import(${JSON.stringify(new URL('./sharedFileEditor.js', import.meta.url).href)}).then(({ editSharedFile }) => editSharedFile('config', (doc) => doc.setValue('default', 'region', 'b'), ${JSON.stringify(env)})).then(() => console.log('written'), (e) => { console.log(e.message); process.exit(3); })`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', uid: OTHER_USER, gid: OTHER_USER, timeout: 20_000 });
  assert.equal(result.status, 3, result.stdout + result.stderr);
  assert.match(result.stdout, /symbolic link that belongs to another user .*uid 4242/);
  assert.equal(readFileSync(target, 'utf8'), '[default]\nregion = a\n');
});

test('a FIFO, a device behind a link, or a file over 8 MiB is refused without hanging or filling memory', { timeout: 20_000 }, async () => {
  mkdirSync(join(home, 'aws'));
  execFileSync('mkfifo', [configFile]);
  await assert.rejects(editSharedFile('config', (doc) => doc.setValue('default', 'region', 'x'), env), (e: unknown) => isUserError(e) && /is not a regular file/.test(e.message));
  rmSync(configFile);
  symlinkSync('/dev/zero', configFile);
  await assert.rejects(editSharedFile('config', (doc) => doc.setValue('default', 'region', 'x'), env), (e: unknown) => isUserError(e) && /is not a regular file/.test(e.message));
  rmSync(configFile);
  writeFileSync(configFile, '');
  truncateSync(configFile, 200 * 1024 * 1024);
  const before = process.memoryUsage().rss;
  await assert.rejects(editSharedFile('config', (doc) => doc.setValue('default', 'region', 'x'), env), (e: unknown) => isUserError(e) && /larger than 8 MiB/.test(e.message));
  assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024, 'the file was not read');
  assert.equal(statSync(configFile).size, 200 * 1024 * 1024);
  assert.equal(existsSync(configFile + '.rolegate.bak'), false);
});

test('a live editor keeps the lock however long it pauses: the next edit waits, then fails without writing', async () => {
  mkdirSync(join(home, 'aws'));
  writeFileSync(configFile, '[default]\nregion = a\n');
  const paused = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    const lock = configFile + '.rolegate.lock';
    // held for an hour already: a suspended laptop; age alone never makes it stale
    writeFileSync(lock, JSON.stringify({ pid: paused.pid, host: hostname(), start: processStartTime(paused.pid!), created: Date.now() - 3600_000, nonce: 'paused' }));
    const old = new Date(Date.now() - 3600_000);
    utimesSync(lock, old, old);
    await assert.rejects(
      editSharedFile('config', (doc) => doc.setValue('default', 'region', 'b'), env, { lockWaitMs: 400 }),
      (e: unknown) => isUserError(e) && new RegExp(`another process \\(pid ${paused.pid}\\) is editing`).test(e.message),
    );
    assert.equal(readFileSync(configFile, 'utf8'), '[default]\nregion = a\n');
    assert.match(readFileSync(lock, 'utf8'), /"nonce":"paused"/);
  } finally {
    paused.kill();
  }
});

test('an editor whose lock is taken over mid-edit aborts with an error and writes nothing, not even the backup', async () => {
  mkdirSync(join(home, 'aws'));
  writeFileSync(configFile, '[default]\nregion = a\n');
  const lock = configFile + '.rolegate.lock';
  await assert.rejects(
    editSharedFile(
      'config',
      (doc) => {
        rmSync(lock);
        writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), start: processStartTime(process.pid), created: Date.now(), nonce: 'another-editor' }));
        doc.setValue('default', 'region', 'b');
      },
      env,
    ),
    (e: unknown) => isUserError(e) && /was taken over by another process.*did not write/.test(e.message),
  );
  assert.equal(readFileSync(configFile, 'utf8'), '[default]\nregion = a\n');
  assert.equal(existsSync(configFile + '.rolegate.bak'), false);
  assert.match(readFileSync(lock, 'utf8'), /another-editor/, "the other editor's lock stays");
  assert.deepEqual(readdirSync(join(home, 'aws')).sort(), ['config', 'config.rolegate.lock']);
});
