import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShortcut, roleRefreshNote, stampFile, writeShortcut, shortcutFile } from './credentialProcessShortcut.cjs';

const SERVED = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE' };

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-shortcut-'));
  mkdirSync(join(home, '.aws'));
  const config = join(home, '.aws', 'config');
  const credentials = join(home, '.aws', 'credentials');
  writeFileSync(config, '[default]\n');
  const entry = join(home, 'entry.json');
  const write = (minutes: number, accessKeyId = 'ASIAIOSFODNN7EXAMPLE') =>
    writeFileSync(entry, JSON.stringify({ Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + minutes * 60_000).toISOString() } }));
  write(60);
  const env = { HOME: home };
  return { home, config, credentials, entry, write, env, done: () => rmSync(home, { recursive: true, force: true }) };
}

test('answers while the config files and the entry are unchanged and fresh; any change turns it off', async () => {
  const t = setup();
  try {
    assert.equal(readShortcut('admin', t.env), undefined, 'no note yet');
    await writeShortcut('admin', t.env, [stampFile(t.config), stampFile(t.credentials)], t.entry, SERVED);
    assert.equal(readShortcut('admin', t.env)?.accessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    assert.equal(readShortcut('other', t.env), undefined);
    assert.equal(readShortcut('admin', { ...t.env, AWS_CONFIG_FILE: t.config }), undefined, 'another environment');
    t.write(10);
    assert.equal(readShortcut('admin', t.env), undefined, 'entry inside the 15-minute window');
    t.write(60);
    writeFileSync(t.credentials, '');
    assert.equal(readShortcut('admin', t.env), undefined, 'a credentials file appeared');
    await writeShortcut('admin', t.env, [stampFile(t.config), stampFile(t.credentials)], t.entry, SERVED);
    assert.ok(readShortcut('admin', t.env));
    appendFileSync(t.config, '[profile x]\n');
    assert.equal(readShortcut('admin', t.env), undefined, 'the config changed');
    writeFileSync(shortcutFile('admin', t.env), '{not json');
    assert.equal(readShortcut('admin', t.env), undefined, 'a damaged note is no shortcut');
  } finally {
    t.done();
  }
});

test('an entry rewritten with other credentials since the note (another config, same profile name) is no shortcut', async () => {
  const t = setup();
  try {
    await writeShortcut('admin', t.env, [stampFile(t.config), stampFile(t.credentials)], t.entry, SERVED);
    assert.equal(readShortcut('admin', t.env)?.accessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    // A run with AWS_CONFIG_FILE=/other/config, whose [admin] is a role in another account, refreshed
    // the same cache entry: the full path would refuse it (role ARN differs), so must the shortcut.
    t.write(60, 'ASIAEXAMPLEOTHERROLE1');
    assert.equal(readShortcut('admin', t.env), undefined);
    // A note from before this check (no access key id) is no shortcut either.
    writeFileSync(shortcutFile('admin', t.env), JSON.stringify({ ...JSON.parse(readFileSync(shortcutFile('admin', t.env), 'utf8')), accessKeyId: undefined }));
    t.write(60);
    assert.equal(readShortcut('admin', t.env), undefined);
  } finally {
    t.done();
  }
});

test('the hourly role refresh starts from a note that records the role, while the files are unchanged; any gap or change is no start', async () => {
  const t = setup();
  try {
    const refresh = { roleArn: 'arn:aws:iam::123456789012:role/admin', mfaSerial: 'arn:aws:iam::123456789012:mfa/admin', durationSeconds: null, roleSessionName: null, externalId: null, region: 'eu-west-1', keyProfile: 'default' };
    const handout = { lifetimeMs: 3600_000, region: 'eu-west-1', kind: 'role' as const };
    const stamps = () => [stampFile(t.config), stampFile(t.credentials)];
    await writeShortcut('admin', t.env, stamps(), t.entry, SERVED, undefined, handout);
    assert.equal(roleRefreshNote('admin', t.env), undefined, 'a note from before `refresh`');
    await writeShortcut('admin', t.env, stamps(), t.entry, SERVED, undefined, handout, refresh);
    t.write(5); // the role's credentials are stale: no cache hit, but the refresh may start
    assert.equal(readShortcut('admin', t.env), undefined);
    assert.deepEqual(roleRefreshNote('admin', t.env), { profile: 'admin', refresh, cacheFile: t.entry, files: stamps() });
    assert.equal(roleRefreshNote('other', t.env), undefined);
    assert.equal(roleRefreshNote('admin', { ...t.env, AWS_CONFIG_FILE: t.config }), undefined, 'another environment');
    const broken: Array<[string, unknown]> = [
      ['roleArn', undefined],
      ['keyProfile', ''],
      ['mfaSerial', 7],
      ['durationSeconds', 7200],
      ['durationSeconds', '900'],
      ['region', undefined],
    ];
    for (const [field, value] of broken) {
      await writeShortcut('admin', t.env, stamps(), t.entry, SERVED, undefined, handout, { ...refresh, [field]: value } as never);
      assert.equal(roleRefreshNote('admin', t.env), undefined, `${field} = ${String(value)}`);
    }
    await writeShortcut('admin', t.env, stamps(), t.entry, SERVED, undefined, { ...handout, kind: 'session' }, refresh);
    assert.equal(roleRefreshNote('admin', t.env), undefined, 'not a role');
    await writeShortcut('admin', t.env, stamps(), t.entry, SERVED, undefined, handout, { ...refresh, durationSeconds: 900 });
    assert.ok(roleRefreshNote('admin', t.env));
    appendFileSync(t.config, '[profile x]\n');
    assert.equal(roleRefreshNote('admin', t.env), undefined, 'the config changed');
  } finally {
    t.done();
  }
});
