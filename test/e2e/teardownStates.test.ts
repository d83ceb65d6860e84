// Teardown in the states people bring: a wrong passphrase, a read-only config, cached sessions and
// an emptied key file, something that cannot be removed. It asks for everything it needs before it
// deletes anything in IAM, and says "complete" only when nothing is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { runRolegate, type RunResult } from '../harness/run.js';
import { sessionCacheDir } from '../../src/files/rolegatePaths.cjs';
import { accountListing, fileBytes, mutations, setup, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();
const PASSPHRASE = 'correct horse battery staple';
const out = (r: RunResult) => r.stdout + r.stderr;

function teardown(box: Sandbox, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes', ...extra], { env: { ...box.env, ...env } });
}

const keyFile = (box: Sandbox) => join(box.home, '.config', 'rolegate', 'keys.enc');

async function snapshot(box: Sandbox) {
  return {
    listing: await accountListing(box),
    config: fileBytes(box.configFile),
    credentials: fileBytes(box.credentialsFile),
    keys: fileBytes(keyFile(box)),
    record: fileBytes(join(box.home, '.config', 'rolegate', 'profiles-before-setup.json')),
  };
}

/** A session entry as credential-process caches it (the credentials are made up; nothing reads them). */
function cacheSession(box: Sandbox, name: string) {
  mkdirSync(sessionCacheDir(box.env), { recursive: true, mode: 0o700 });
  const entry = {
    version: 1,
    kind: name.startsWith('role-') ? 'role' : 'session',
    profile: name.replace(/^(session|role)-/, ''),
    mfaSerial: 'arn:aws:iam::123456789012:mfa/admin',
    createdAt: new Date().toISOString(),
    Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'x', SessionToken: 'y', Expiration: new Date(Date.now() + 3_600_000).toISOString() },
  };
  writeFileSync(join(sessionCacheDir(box.env), `${name}.json`), JSON.stringify(entry), { mode: 0o600 });
}

test('teardown with a wrong passphrase deletes nothing: IAM, files and keys.enc as they were', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  try {
    assert.equal((await setup(box, ['--store', 'file'])).code, 0);
    const before = await snapshot(box);
    await moto.clearRequests();
    const r = await teardown(box, [], { ROLEGATE_FILE_PASSPHRASE: 'not the passphrase at all' });
    assert.notEqual(r.code, 0, out(r));
    assert.match(r.stderr, /teardown stopped before changing anything/);
    assert.match(r.stderr, /could not decrypt .*keys\.enc: wrong passphrase/);
    assert.doesNotMatch(r.stdout, /removed|complete/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});

test('teardown with a read-only config deletes nothing in IAM', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    assert.equal((await setup(box)).code, 0);
    chmodSync(box.configFile, 0o444);
    const before = await snapshot(box);
    await moto.clearRequests();
    const r = await teardown(box);
    assert.equal(r.code, 2, out(r));
    assert.match(r.stderr, /config is read-only/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});

test('teardown removes the store entry, the emptied keys.enc, the sessions it cached and every rolegate_ key; a new passphrase works after', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  try {
    const before = await snapshot(box);
    assert.equal((await setup(box, ['--store', 'file'])).code, 0);
    assert.match(fileBytes(box.configFile) ?? '', /rolegate_store = file/);
    for (const name of ['session-default', 'role-admin', 'session-other']) cacheSession(box, name);
    const r = await teardown(box);
    assert.equal(r.code, 0, out(r));
    assert.match(r.stdout, /stored key of profile default \(file store\): remove/);
    assert.match(r.stdout, /Teardown complete/);
    assert.equal(existsSync(keyFile(box)), false, 'the key file that holds no key is gone');
    assert.equal(existsSync(join(sessionCacheDir(box.env), 'session-default.json')), false);
    assert.equal(existsSync(join(sessionCacheDir(box.env), 'role-admin.json')), false);
    assert.equal(existsSync(join(sessionCacheDir(box.env), 'session-other.json')), true, "another profile's session stays");
    assert.doesNotMatch(fileBytes(box.configFile) ?? '', /rolegate_/);
    assert.deepEqual(await snapshot(box), before);
    // the next setup with another passphrase is not stopped by what the last one left
    const again = await setup(box, ['--store', 'file'], { ROLEGATE_FILE_PASSPHRASE: 'another long passphrase' });
    assert.equal(again.code, 0, out(again));
  } finally {
    box.cleanup();
  }
});

test('what teardown cannot remove is named, the exit is non-zero, and it never says complete', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    assert.equal((await setup(box)).code, 0);
    // a folder where the session cache file would be: rm cannot remove it as a file
    mkdirSync(join(sessionCacheDir(box.env), 'session-default.json', 'inside'), { recursive: true });
    const r = await teardown(box);
    assert.equal(r.code, 1, out(r));
    assert.match(r.stdout, /cached sessions of default, admin: could not be removed/);
    assert.match(r.stderr, /teardown is not complete: 1 item\(s\) could not be removed/);
    assert.doesNotMatch(r.stdout, /Teardown complete/);
    assert.deepEqual((await accountListing(box)).users, [], 'the rest was removed');
  } finally {
    box.cleanup();
  }
});

test('teardown without --yes and without a terminal to confirm on: exit 2, deletes nothing (IAM, files and keys.enc as they were)', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  try {
    assert.equal((await setup(box, ['--store', 'file'])).code, 0);
    const before = await snapshot(box);
    await moto.clearRequests();
    const r = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap'], { env: box.env });
    assert.equal(r.code, 2, out(r));
    assert.match(r.stderr, /needs confirmation/);
    assert.match(r.stderr, /add --yes/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});

test('teardown run as the read-only user it would delete: refused with the way to the bootstrap admin, nothing deleted', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    assert.equal((await setup(box)).code, 0);
    const before = await snapshot(box);
    await moto.clearRequests();
    const r = await runRolegate(['teardown', '--bootstrap-profile', 'default', '--yes'], { env: box.env });
    assert.equal(r.code, 2, out(r));
    assert.match(r.stderr, /teardown stopped before changing anything/);
    assert.match(r.stderr, /the read-only user rolegate created/);
    assert.match(r.stderr, /--bootstrap-profile/);
    assert.deepEqual(mutations(await moto.requests()), []);
    assert.deepEqual(await snapshot(box), before);
  } finally {
    box.cleanup();
  }
});
