import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShortcut, stampFile, writeShortcut, shortcutFile } from './credentialProcessShortcut.cjs';

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-shortcut-'));
  mkdirSync(join(home, '.aws'));
  const config = join(home, '.aws', 'config');
  const credentials = join(home, '.aws', 'credentials');
  writeFileSync(config, '[default]\n');
  const entry = join(home, 'entry.json');
  const write = (minutes: number) =>
    writeFileSync(entry, JSON.stringify({ Credentials: { AccessKeyId: 'ASIAIOSFODNN7EXAMPLE', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + minutes * 60_000).toISOString() } }));
  write(60);
  const env = { HOME: home };
  return { home, config, credentials, entry, write, env, done: () => rmSync(home, { recursive: true, force: true }) };
}

test('answers while the config files and the entry are unchanged and fresh; any change turns it off', async () => {
  const t = setup();
  try {
    assert.equal(readShortcut('admin', t.env), undefined, 'no note yet');
    await writeShortcut('admin', t.env, [stampFile(t.config), stampFile(t.credentials)], t.entry);
    assert.equal(readShortcut('admin', t.env)?.accessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    assert.equal(readShortcut('other', t.env), undefined);
    assert.equal(readShortcut('admin', { ...t.env, AWS_CONFIG_FILE: t.config }), undefined, 'another environment');
    t.write(10);
    assert.equal(readShortcut('admin', t.env), undefined, 'entry inside the 15-minute window');
    t.write(60);
    writeFileSync(t.credentials, '');
    assert.equal(readShortcut('admin', t.env), undefined, 'a credentials file appeared');
    await writeShortcut('admin', t.env, [stampFile(t.config), stampFile(t.credentials)], t.entry);
    assert.ok(readShortcut('admin', t.env));
    appendFileSync(t.config, '[profile x]\n');
    assert.equal(readShortcut('admin', t.env), undefined, 'the config changed');
    writeFileSync(shortcutFile('admin', t.env), '{not json');
    assert.equal(readShortcut('admin', t.env), undefined, 'a damaged note is no shortcut');
  } finally {
    t.done();
  }
});
