import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKeyStore } from './keyStore.js';
import { keyFilePath } from '../files/rolegatePaths.cjs';
import { encryptKeys, fileStoreProfiles } from './fileKeyStore.js';
import { isUserError } from '../userError.js';

const KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const OTHER = { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' };

function tempEnv(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; home: string; done(): void } {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-keystore-'));
  return {
    home,
    env: { HOME: home, PATH: process.env.PATH, ...extra },
    done: () => rmSync(home, { recursive: true, force: true }),
  };
}

test('file store: saves, loads and removes keys of several profiles in one 0600 file, secret not in clear', async () => {
  const t = tempEnv({ ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  try {
    const store = await openKeyStore('file', { env: t.env });
    assert.equal(store.kind, 'file');
    assert.equal(await store.load('default'), undefined);
    await store.save('default', KEY);
    await store.save('ops', OTHER);
    const path = keyFilePath(t.env);
    assert.equal(path, join(t.home, '.config', 'rolegate', 'keys.enc'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(t.home, '.config', 'rolegate')).mode & 0o777, 0o700);
    const raw = readFileSync(path, 'utf8');
    assert.ok(!raw.includes(KEY.secretAccessKey) && !raw.includes(KEY.accessKeyId));
    assert.deepEqual(await fileStoreProfiles(t.env), ['default', 'ops']);
    // a fresh store (new process, same passphrase) reads them back
    const again = await openKeyStore('file', { env: t.env });
    assert.deepEqual(await again.load('default'), KEY);
    assert.deepEqual(await again.load('ops'), OTHER);
    await again.remove('default');
    assert.equal(await again.load('default'), undefined);
    assert.deepEqual(await again.load('ops'), OTHER);
  } finally {
    t.done();
  }
});

test('file store: honours XDG_CONFIG_HOME; each write uses a new salt and nonce', async () => {
  const t = tempEnv({ ROLEGATE_FILE_PASSPHRASE: 'an xdg passphrase' });
  try {
    t.env.XDG_CONFIG_HOME = join(t.home, 'xdg');
    const store = await openKeyStore('file', { env: t.env });
    await store.save('default', KEY);
    const path = join(t.home, 'xdg', 'rolegate', 'keys.enc');
    const first = JSON.parse(readFileSync(path, 'utf8'));
    await store.save('default', KEY);
    const second = JSON.parse(readFileSync(path, 'utf8'));
    assert.notEqual(first.kdf.salt, second.kdf.salt);
    assert.notEqual(first.nonce, second.nonce);
  } finally {
    t.done();
  }
});

test('file store: a wrong passphrase or an altered file is a clear UserError, not a crash', async () => {
  const t = tempEnv({ ROLEGATE_FILE_PASSPHRASE: 'the right passphrase' });
  try {
    await (await openKeyStore('file', { env: t.env })).save('default', KEY);
    const wrong = await openKeyStore('file', { env: { ...t.env, ROLEGATE_FILE_PASSPHRASE: 'wrong' } });
    await assert.rejects(wrong.load('default'), (e: unknown) => isUserError(e) && /wrong passphrase/.test(e.message));
    const path = keyFilePath(t.env);
    const envelope = JSON.parse(readFileSync(path, 'utf8'));
    envelope.profiles = ['default', 'intruder'];
    writeFileSync(path, JSON.stringify(envelope));
    const right = await openKeyStore('file', { env: t.env });
    await assert.rejects(right.load('default'), (e: unknown) => isUserError(e) && /altered/.test(e.message));
    writeFileSync(path, 'not json');
    await assert.rejects(right.load('default'), (e: unknown) => isUserError(e) && /damaged/.test(e.message));
  } finally {
    t.done();
  }
});

test('file store: a new file needs a passphrase of 12 characters or more; an existing file opens with a shorter one', async () => {
  const t = tempEnv({ ROLEGATE_FILE_PASSPHRASE: 'eleven char' });
  try {
    const store = await openKeyStore('file', { env: t.env });
    const tooShort = (e: unknown) => isUserError(e) && e.exitCode === 2 && /at least 12 characters/.test(e.message) && /ROLEGATE_FILE_PASSPHRASE/.test(e.next ?? '');
    await assert.rejects(store.prepareSave!(), tooShort);
    await assert.rejects(store.save('default', KEY), tooShort);
    assert.equal(existsSync(keyFilePath(t.env)), false, 'no file was written');
    // a file made before the rule (or by hand) still opens and takes new keys
    mkdirSync(dirname(keyFilePath(t.env)), { recursive: true, mode: 0o700 });
    writeFileSync(keyFilePath(t.env), await encryptKeys({ default: KEY }, 'eleven char'), { mode: 0o600 });
    await store.prepareSave!();
    await store.save('ops', OTHER);
    assert.deepEqual(await store.load('default'), KEY);
    assert.deepEqual(await store.load('ops'), OTHER);
    const twelve = await openKeyStore('file', { env: { ...t.env, XDG_CONFIG_HOME: join(t.home, 'other'), ROLEGATE_FILE_PASSPHRASE: 'twelve chars' } });
    await twelve.save('default', KEY);
    assert.deepEqual(await twelve.load('default'), KEY);
  } finally {
    t.done();
  }
});

test('file store: prepareSave checks the passphrase against an existing file before anything is created', async () => {
  const t = tempEnv({ ROLEGATE_FILE_PASSPHRASE: 'the right passphrase' });
  try {
    await (await openKeyStore('file', { env: t.env })).save('default', KEY);
    const wrong = await openKeyStore('file', { env: { ...t.env, ROLEGATE_FILE_PASSPHRASE: 'a wrong passphrase' } });
    await assert.rejects(wrong.prepareSave!(), (e: unknown) => isUserError(e) && /wrong passphrase/.test(e.message));
  } finally {
    t.done();
  }
});

test('file store: without ROLEGATE_FILE_PASSPHRASE and without a terminal, it fails at once and says how to fix it', async () => {
  const t = tempEnv();
  try {
    const moduleUrl = new URL('./keyStore.js', import.meta.url).href;
    const script = `const { openKeyStore } = await import(${JSON.stringify(moduleUrl)});
      const s = await openKeyStore('file');
      try { await s.save('default', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }); console.log('saved'); }
      catch (e) { console.log(JSON.stringify({ message: e.message, next: e.next })); }`;
    // setsid: no controlling terminal, as under CI or a credential_process call from a daemon
    const result = spawnSync('setsid', ['-w', process.execPath, '--input-type=module', '-e', script], { env: t.env, encoding: 'utf8', timeout: 30_000 });
    const out = JSON.parse(result.stdout.trim());
    assert.match(out.message, /needs its passphrase.*no terminal/);
    assert.match(out.next, /ROLEGATE_FILE_PASSPHRASE/);
    assert.equal(existsSync(keyFilePath(t.env)), false);
  } finally {
    t.done();
  }
});

test('keychain store: without a Secret Service it throws a UserError that offers --store file', async () => {
  const t = tempEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/rolegate-test-bus' });
  try {
    const moduleUrl = new URL('./keyStore.js', import.meta.url).href;
    const script = `const { openKeyStore } = await import(${JSON.stringify(moduleUrl)});
      try { await openKeyStore('keychain'); console.log(JSON.stringify({ opened: true })); }
      catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message, next: e.next })); }`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: t.env, encoding: 'utf8', timeout: 30_000 });
    const out = JSON.parse(result.stdout.trim());
    if (process.platform !== 'linux') return; // other platforms have a keychain without D-Bus
    assert.equal(out.name, 'UserError');
    assert.match(out.message, /keychain cannot be used/);
    assert.match(out.next, /--store file/);
  } finally {
    t.done();
  }
});

test('keychain store: round trip in a Secret Service (gnome-keyring under dbus-run-session)', async (t) => {
  const have = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  if (!have('dbus-run-session') || !have('gnome-keyring-daemon')) {
    t.skip('dbus-run-session or gnome-keyring-daemon is not installed (apt-get install dbus gnome-keyring)');
    return;
  }
  const box = tempEnv();
  try {
    const moduleUrl = new URL('./keyStore.js', import.meta.url).href;
    const script = `const { openKeyStore } = await import(${JSON.stringify(moduleUrl)});
      const s = await openKeyStore('keychain');
      await s.save('rolegate-test', ${JSON.stringify(KEY)});
      const loaded = await s.load('rolegate-test');
      await s.remove('rolegate-test');
      console.log(JSON.stringify({ loaded, after: (await s.load('rolegate-test')) ?? null }));`;
    const scriptFile = join(box.home, 'kc.mjs');
    writeFileSync(scriptFile, script);
    const result = spawnSync(
      'dbus-run-session',
      ['--', 'sh', '-c', `echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "${process.execPath}" "${scriptFile}"`],
      { env: box.env, encoding: 'utf8', timeout: 60_000 },
    );
    const out = JSON.parse(result.stdout.trim().split('\n').pop() ?? 'null');
    assert.deepEqual(out, { loaded: KEY, after: null });
  } finally {
    box.done();
  }
});

test('keyStore module itself loads no native or SDK module', () => {
  const here = fileURLToPath(new URL('./keyStore.js', import.meta.url));
  const text = readFileSync(here, 'utf8');
  assert.doesNotMatch(text, /^import .*(@napi-rs|@aws-sdk)/m);
});

test('plain store: the key goes into the credentials file (0600) through editSharedFile, and out again', async () => {
  const t = tempEnv();
  try {
    const credentialsFile = join(t.home, '.aws', 'credentials');
    t.env.AWS_SHARED_CREDENTIALS_FILE = credentialsFile;
    t.env.AWS_CONFIG_FILE = join(t.home, '.aws', 'config');
    const store = await openKeyStore('plain', { env: t.env });
    assert.equal(await store.load('default'), undefined);
    await store.save('default', KEY);
    assert.match(readFileSync(credentialsFile, 'utf8'), /^\[default\]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = /);
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    assert.deepEqual(await store.load('default'), KEY);
    await store.remove('default');
    assert.equal(await store.load('default'), undefined);
    assert.ok(!readFileSync(credentialsFile, 'utf8').includes(KEY.secretAccessKey));
  } finally {
    t.done();
  }
});
