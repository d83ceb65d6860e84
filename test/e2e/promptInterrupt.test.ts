// A person's Ctrl-C or Ctrl-D at a prompt (the terminal in raw mode, so no signal is sent) is an
// interruption, as SIGINT is: the same summary (what exists now, the command that completes or
// undoes it), exit 130; IAM holds what the summary says, and the command it names completes.
// Typed at a pseudo-terminal, at each prompt of setup, teardown, rotate and import; and a Ctrl-C
// while ykman waits for a touch (no prompt reads the terminal then: the terminal sends SIGINT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMotoServer } from '../harness/moto.js';
import { rolegateBin } from '../harness/paths.js';
import { run } from '../harness/run.js';
import { keyFilePath } from '../../src/files/rolegatePaths.cjs';
import { atTerminal, CTRL_C, CTRL_D, type TerminalRun } from './ptyDriver.js';
import { buildPlainAccount, listKeys, plainStoredKey } from './rotateFixture.js';
import { accountListing, fileBytes, makeSandbox, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();

const KEYS = [
  ['Ctrl-C', CTRL_C],
  ['Ctrl-D', CTRL_D],
] as const;

const rolegate = (...args: string[]) => [process.execPath, rolegateBin, ...args];
const SETUP = ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain'];
const PASSPHRASE = 'correct horse battery staple';

/** Ended by the key typed, as by SIGINT: its name, the summary's lines, exit 130, no stack. */
function assertInterrupted(stopped: TerminalRun, key: string, lines: RegExp[]): void {
  assert.equal(stopped.error, undefined, stopped.screen);
  assert.equal(stopped.status, 130, stopped.screen);
  assert.match(stopped.screen, new RegExp(`rolegate: interrupted \\(${key}\\)\\.`));
  for (const line of lines) assert.match(stopped.screen, line);
  assert.doesNotMatch(stopped.screen, /^\s+at /m, 'no stack trace');
}

/** The answers of a person who goes on at setup's prompts: yes, then the two pairing codes. */
const SETUP_ANSWERS = [
  { expect: String.raw`Apply these changes\? \[y/N\] `, send: 'y\r' },
  { expect: 'MFA code 1: ', send: '{code}\r' },
  { expect: 'MFA code 2', send: '{next-code}\r' },
];

for (const [name, key] of KEYS) {
  test(`setup: ${name} at "Apply these changes?" is an interruption: nothing exists, exit 130; the same command then sets up`, async () => {
    const box = setupSandbox(moto.endpoint);
    try {
      const config = fileBytes(box.configFile);
      const stopped = await atTerminal(rolegate(...SETUP), box.env, [{ expect: String.raw`Apply these changes\? \[y/N\] `, send: key }]);
      assertInterrupted(stopped, name, [
        /setup was interrupted before it changed anything\./,
        /to set up, run the same command again: rolegate setup --bootstrap-profile bootstrap --store plain\r?\n/,
      ]);
      const listing = await accountListing(box);
      assert.deepEqual([listing.users, listing.roles, listing.virtualMfa], [[], [], []], 'nothing in IAM, as it says');
      assert.equal(fileBytes(box.configFile), config, 'the config is unchanged');

      const again = await atTerminal(rolegate(...SETUP), box.env, SETUP_ANSWERS);
      assert.equal(again.status, 0, again.screen);
      assert.match(again.screen, /Setup complete/);
      assert.equal((await accountListing(box)).users[0]!.mfa.length, 1);
    } finally {
      box.cleanup();
    }
  });

  test(`setup: ${name} at "MFA code 1" (the device created, not paired) is an interruption: what exists, exit 130; the same command then completes`, async () => {
    const box = setupSandbox(moto.endpoint);
    try {
      const stopped = await atTerminal(rolegate(...SETUP), box.env, [SETUP_ANSWERS[0]!, { expect: 'MFA code 1: ', send: key }]);
      assertInterrupted(stopped, name, [
        /setup was interrupted\. What exists now:/,
        /\+ IAM user admin: created/,
        /\+ IAM role admin: created/,
        /\? virtual MFA device admin for user admin: was in progress/,
        /to complete it, run the same command again: rolegate setup --bootstrap-profile bootstrap --store plain\r?\n/,
        /to undo it instead: rolegate teardown --bootstrap-profile bootstrap/,
      ]);
      assert.doesNotMatch(stopped.screen, /Setup complete/);
      const listing = await accountListing(box);
      assert.deepEqual(listing.users.map((u) => [u.name, u.mfa]), [['admin', []]], 'the user exists, with no MFA device enabled');
      assert.deepEqual(listing.roles.map((r) => r.name), ['admin']);
      assert.deepEqual(listing.virtualMfa, [{ serial: 'arn:aws:iam::123456789012:mfa/admin', user: null }], 'the device exists in part: created, not paired');

      const again = await atTerminal(rolegate(...SETUP), box.env, SETUP_ANSWERS);
      assert.equal(again.status, 0, again.screen);
      assert.match(again.screen, /Setup complete/);
      const after = await accountListing(box);
      assert.deepEqual(after.users[0]!.mfa, ['arn:aws:iam::123456789012:mfa/admin']);
      assert.deepEqual(after.virtualMfa, [{ serial: 'arn:aws:iam::123456789012:mfa/admin', user: 'admin' }]);
    } finally {
      box.cleanup();
    }
  });

  test(`teardown: ${name} at "Remove all of the above?" is an interruption: everything still there, exit 130; the same command then removes it`, async () => {
    const box = setupSandbox(moto.endpoint);
    try {
      assert.equal((await setup(box)).code, 0);
      const files = [fileBytes(box.configFile), fileBytes(box.credentialsFile)];
      const args = ['teardown', '--bootstrap-profile', 'bootstrap'];
      const stopped = await atTerminal(rolegate(...args), box.env, [{ expect: String.raw`Remove all of the above\? \[y/N\] `, send: key }]);
      assertInterrupted(stopped, name, [
        /teardown was interrupted before it removed anything\./,
        /to remove it all, run the same command again: rolegate teardown --bootstrap-profile bootstrap\r?\n/,
      ]);
      const listing = await accountListing(box);
      assert.deepEqual([listing.users.map((u) => u.name), listing.roles.map((r) => r.name)], [['admin'], ['admin']], 'all still there, as it says');
      assert.equal(listing.users[0]!.keys.length, 1);
      assert.deepEqual([fileBytes(box.configFile), fileBytes(box.credentialsFile)], files, 'the files are unchanged');

      const again = await atTerminal(rolegate(...args), box.env, [{ expect: String.raw`Remove all of the above\? \[y/N\] `, send: 'y\r' }]);
      assert.equal(again.status, 0, again.screen);
      assert.match(again.screen, /Teardown complete/);
      const after = await accountListing(box);
      assert.deepEqual([after.users, after.roles, after.virtualMfa], [[], [], []]);
    } finally {
      box.cleanup();
    }
  });

  test(`rotate: ${name} at its question is an interruption: the old key still in use, exit 130; the same command then rotates`, async () => {
    const box = makeSandbox({ endpoint: moto.endpoint });
    try {
      const { key: old } = await buildPlainAccount(box);
      const question = { expect: String.raw`Rotate the access key \w+ of IAM user admin [^\r\n]*\[y/N\] `, send: key };
      const stopped = await atTerminal(rolegate('rotate'), box.env, [question]);
      assertInterrupted(stopped, name, [
        new RegExp(`rotate was interrupted before it changed anything: profile default still uses ${old.accessKeyId}\\.`),
        /to rotate, run the same command again: rolegate rotate\r?\n/,
      ]);
      assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }], 'the one key, as it says');
      assert.equal(plainStoredKey(box)!.accessKeyId, old.accessKeyId);

      const again = await atTerminal(rolegate('rotate'), box.env, [{ ...question, send: 'y\r' }]);
      assert.equal(again.status, 0, again.screen);
      assert.match(again.screen, /rotated/);
      const keys = await listKeys(box);
      assert.equal(keys.length, 1);
      assert.notEqual(keys[0]!.AccessKeyId, old.accessKeyId);
      assert.equal(plainStoredKey(box)!.accessKeyId, keys[0]!.AccessKeyId);
    } finally {
      box.cleanup();
    }
  });

  test(`rotate: ${name} at the admin role's MFA code prompt is an interruption: the old key still in use, exit 130; the same command then rotates`, async () => {
    const box = makeSandbox({ endpoint: moto.endpoint });
    try {
      const { key: old } = await buildPlainAccount(box);
      // no mfa_process: the code is asked for on the terminal; the authenticator is the script
      const config = readFileSync(box.configFile, 'utf8');
      const authenticator = /^mfa_process = (.*)$/m.exec(config)![1]!;
      writeFileSync(box.configFile, config.replace(/^mfa_process = .*\n/m, ''));
      const yes = { expect: String.raw`Rotate the access key [^\r\n]*\[y/N\] `, send: 'y\r' };
      const codePrompt = String.raw`MFA code for arn:aws:iam::123456789012:mfa/admin[^\r\n]*: `;
      const stopped = await atTerminal(rolegate('rotate'), box.env, [yes, { expect: codePrompt, send: key }]);
      assertInterrupted(stopped, name, [
        new RegExp(`rotate was interrupted before it changed anything: profile default still uses ${old.accessKeyId}\\.`),
        /to rotate, run the same command again: rolegate rotate\r?\n/,
      ]);
      assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }], 'the one key, as it says');

      const code = (await run('/bin/sh', ['-c', authenticator], { env: box.env })).stdout.trim();
      assert.match(code, /^\d{6}$/);
      const again = await atTerminal(rolegate('rotate'), box.env, [yes, { expect: codePrompt, send: `${code}\r` }]);
      assert.equal(again.status, 0, again.screen);
      assert.match(again.screen, /rotated/);
      const keys = await listKeys(box);
      assert.equal(keys.length, 1);
      assert.notEqual(keys[0]!.AccessKeyId, old.accessKeyId);
    } finally {
      box.cleanup();
    }
  });

  test(`import: ${name} at the new key file's passphrase is an interruption: the key still where it was, exit 130; the same command then moves it`, async () => {
    const box = makeSandbox({ endpoint: moto.endpoint });
    try {
      const { key: old } = await buildPlainAccount(box);
      const env = { ...box.env };
      delete env.ROLEGATE_FILE_PASSPHRASE;
      const files = [fileBytes(box.configFile), fileBytes(box.credentialsFile)];
      const args = ['import', 'default', '--store', 'file'];
      const passphrase = String.raw`passphrase for [^\r\n]*keys\.enc[^\r\n]*: `;
      // Ctrl-C at the first entry; Ctrl-D at the second (the first typed)
      const steps =
        name === 'Ctrl-C'
          ? [{ expect: passphrase, send: key }]
          : [
              { expect: passphrase, send: `${PASSPHRASE}\r` },
              { expect: 'the same passphrase again: ', send: key },
            ];
      const stopped = await atTerminal(rolegate(...args), env, steps);
      assertInterrupted(stopped, name, [
        new RegExp(`import was interrupted before it changed anything: the key ${old.accessKeyId} of profile default is still in [^\\r\\n]*credentials\\.`),
        /to move it, run the same command again: rolegate import default --store file\r?\n/,
      ]);
      assert.deepEqual([fileBytes(box.configFile), fileBytes(box.credentialsFile)], files, 'the files are unchanged');
      assert.equal(existsSync(keyFilePath(env)), false, 'no key file');
      assert.deepEqual(await listKeys(box), [{ AccessKeyId: old.accessKeyId, Status: 'Active' }]);

      const again = await atTerminal(rolegate(...args), env, [
        { expect: passphrase, send: `${PASSPHRASE}\r` },
        { expect: 'the same passphrase again: ', send: `${PASSPHRASE}\r` },
      ]);
      assert.equal(again.status, 0, again.screen);
      assert.match(again.screen, new RegExp(`moved the key ${old.accessKeyId} of profile default into the file store`));
      assert.equal(plainStoredKey(box), undefined, 'the key left the credentials file');
      assert.ok(existsSync(keyFilePath(env)));
    } finally {
      box.cleanup();
    }
  });
}

test('setup --store file: Ctrl-D at the passphrase (before anything exists) is an interruption: exit 130, nothing in IAM', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const env = { ...box.env };
    delete env.ROLEGATE_FILE_PASSPHRASE;
    const stopped = await atTerminal(rolegate('setup', '--bootstrap-profile', 'bootstrap', '--store', 'file'), env, [
      { expect: String.raw`passphrase for [^\r\n]*: `, send: CTRL_D },
    ]);
    assertInterrupted(stopped, 'Ctrl-D', [/setup was interrupted before it changed anything\./, /to set up, run the same command again: rolegate setup --bootstrap-profile bootstrap --store file\r?\n/]);
    const listing = await accountListing(box);
    assert.deepEqual([listing.users, listing.roles, listing.virtualMfa], [[], [], []]);
    assert.equal(existsSync(keyFilePath(env)), false);
  } finally {
    box.cleanup();
  }
});

test('setup --mfa-device yubikey (ykman stand-in): Ctrl-C while "Touch your YubiKey..." waits is an interruption: what exists, exit 130; the same command then completes', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    // the stand-in ykman first on PATH, with one key and no accounts; a touch that takes 60 s
    const bin = join(box.home, 'bin');
    mkdirSync(bin);
    const store = join(box.home, 'mfa-seed-ykman-standin-accounts.txt');
    writeFileSync(store, JSON.stringify({ keys: [{ serial: '12345678', accounts: {} }] }), { mode: 0o600 });
    const standIn = join(dirname(fileURLToPath(import.meta.url)), 'ykmanStandIn.js');
    writeFileSync(join(bin, 'ykman'), `#!/bin/sh\nexec '${process.execPath}' '${standIn}' "$@"\n`, { mode: 0o755 });
    const env = { ...box.env, PATH: `${bin}:${box.env.PATH}`, YKMAN_STANDIN_STORE: store, YKMAN_STANDIN_TOUCH_MS: '60000' };
    const args = [...SETUP, '--yes', '--mfa-device', 'yubikey', '--yubikey-touch'];
    const stopped = await atTerminal(rolegate(...args), env, [{ expect: 'Touch your YubiKey', send: CTRL_C }]);
    assertInterrupted(stopped, 'Ctrl-C', [
      /setup was interrupted\. What exists now:/,
      /\+ IAM user admin: created/,
      /\? virtual MFA device admin for user admin: was in progress/,
      /to complete it, run the same command again: rolegate setup --bootstrap-profile bootstrap --store plain --yes --mfa-device yubikey --yubikey-touch\r?\n/,
    ]);
    const listing = await accountListing(box);
    assert.deepEqual(listing.users.map((u) => [u.name, u.mfa]), [['admin', []]], 'the user exists, with no MFA device enabled');

    const again = await atTerminal(rolegate(...args), { ...env, YKMAN_STANDIN_TOUCH_MS: '150' }, []);
    assert.equal(again.status, 0, again.screen);
    assert.match(again.screen, /Setup complete/);
    assert.deepEqual((await accountListing(box)).users[0]!.mfa, ['arn:aws:iam::123456789012:mfa/admin']);
  } finally {
    box.cleanup();
  }
});

test('verify: Ctrl-C at its MFA code prompt ends it (exit 130, one line), not a failed check it reports and goes on from', async () => {
  const box = makeSandbox({ endpoint: moto.endpoint });
  try {
    await buildPlainAccount(box);
    writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8').replace(/^mfa_process = .*\n/m, ''));
    const stopped = await atTerminal(rolegate('verify'), box.env, [{ expect: String.raw`MFA code for [^\r\n]*: `, send: CTRL_C }]);
    assert.equal(stopped.error, undefined, stopped.screen);
    assert.equal(stopped.status, 130, stopped.screen);
    assert.match(stopped.screen, /rolegate: interrupted \(Ctrl-C\) at the prompt\.\r?\n/);
    assert.doesNotMatch(stopped.screen, /failed|FAIL/i);
    assert.doesNotMatch(stopped.screen, /^\s+at /m, 'no stack trace');
  } finally {
    box.cleanup();
  }
});
