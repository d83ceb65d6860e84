import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { isUserError } from '../userError.js';
import { editSharedFile } from './sharedFileEditor.js';

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
