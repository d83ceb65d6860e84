// setup --mfa-device yubikey, against moto behind the strict AWS layer. No YubiKey is attached
// here: a STAND-IN `ykman` (ykmanStandIn.ts, first on PATH) keeps its keys' OATH accounts in a
// temporary file, records every argv, refuses a seed in argv, and computes genuine TOTP codes
// from the seed it stored, which the strict layer checks as AWS would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCOUNT_ID, useMotoServer } from '../harness/moto.js';
import { runAws, runRolegate } from '../harness/run.js';
import { filesContaining, makeExecutable, PASSPHRASE } from './credFixture.js';
import { accountListing, mfaFlags, mutations, secretFile, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();
const standIn = join(dirname(fileURLToPath(import.meta.url)), 'ykmanStandIn.js');

const SERIAL = '12345678';
const ACCOUNT = `AWS:admin@${ACCOUNT_ID}`;
const MFA_SERIAL = `arn:aws:iam::${ACCOUNT_ID}:mfa/admin`;
const CODE_COMMAND = `ykman --device ${SERIAL} oath accounts code --single ${ACCOUNT}`;

interface StandInKey {
  serial: string;
  password?: 'remembered' | 'prompt';
  accounts: Record<string, { seed: string; touch: boolean }>;
}

interface YubikeyBox {
  box: Sandbox;
  store: string;
  argvLog: string;
  keys(): StandInKey[];
  argvs(): string[][];
}

/** A sandbox whose PATH starts with the stand-in ykman, holding `keys`. */
function yubikeyBox(keys: StandInKey[], options: { ykman?: boolean } = {}): YubikeyBox {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE });
  const bin = join(box.home, 'bin');
  mkdirSync(bin);
  // named as what it holds, so the run's secret scan knows it for a seed store (leakScan.ts)
  const store = join(box.home, 'mfa-seed-ykman-standin-accounts.txt');
  const argvLog = join(box.home, 'ykman-standin-argv.log');
  writeFileSync(store, JSON.stringify({ keys }), { mode: 0o600 });
  if (options.ykman !== false) makeExecutable(join(bin, 'ykman'), `#!/bin/sh\nexec '${process.execPath}' '${standIn}' "$@"\n`);
  Object.assign(box.env, { PATH: `${bin}:${box.env.PATH}`, YKMAN_STANDIN_STORE: store, YKMAN_STANDIN_ARGV_LOG: argvLog });
  return {
    box,
    store,
    argvLog,
    keys: () => (JSON.parse(readFileSync(store, 'utf8')) as { keys: StandInKey[] }).keys,
    argvs: () => (existsSync(argvLog) ? readFileSync(argvLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []),
  };
}

function setupYubikey(y: YubikeyBox, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', '--yes', '--mfa-device', 'yubikey', ...extra], {
    env: { ...y.box.env, ...env },
    timeoutMs: 150_000,
  });
}

function profileValue(y: YubikeyBox, profile: string, key: string): string | undefined {
  const text = readFileSync(y.box.configFile, 'utf8');
  const section = text.split(/^\[/m).find((s) => s.startsWith(profile === 'default' ? 'default]' : `profile ${profile}]`));
  return section?.split('\n').find((l) => l.startsWith(`${key} =`))?.slice(key.length + 3);
}

test('setup --mfa-device yubikey --yubikey-touch (ykman stand-in): the seed reaches the key on stdin only, the key pairs the device, and every profile reads its codes from the key', async () => {
  const y = yubikeyBox([{ serial: SERIAL, accounts: { 'GitHub:me': { seed: 'JBSWY3DPEHPK3PXP', touch: false } } }]);
  try {
    const result = await setupYubikey(y, ['--yubikey-touch']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    // the key holds the account, with touch; the person's own account is untouched
    const [key] = y.keys();
    assert.deepEqual(Object.keys(key!.accounts).sort(), ['AWS:admin@123456789012', 'GitHub:me']);
    assert.equal(key!.accounts[ACCOUNT]!.touch, true);
    assert.equal(key!.accounts['GitHub:me']!.seed, 'JBSWY3DPEHPK3PXP');
    const seed = key!.accounts[ACCOUNT]!.seed;
    // ykman was called with the seed on stdin: in no argv, and in no output or file but the key's store
    const argvs = y.argvs();
    const add = argvs.find((a) => a.includes('add'));
    assert.deepEqual(add, ['--device', SERIAL, 'oath', 'accounts', 'add', '--oath-type', 'TOTP', '--digits', '6', '--algorithm', 'SHA1', '--period', '30', '--issuer', 'AWS', '--touch', `admin@${ACCOUNT_ID}`]);
    for (const argv of argvs) assert.ok(!argv.join(' ').includes(seed), 'no seed in any argv');
    assert.ok(!(result.stdout + result.stderr).includes(seed), 'the seed is never shown');
    assert.deepEqual(filesContaining(y.box.home, seed), [y.store], 'the seed is on disk only in the stand-in key');
    // the two pairing codes came from the key, each after its touch notice (ykman's stderr passes through)
    assert.equal(argvs.filter((a) => a.includes('code')).length, 2);
    assert.equal(result.stderr.match(/Touch your YubiKey\.\.\./g)?.length, 2, result.stderr);
    assert.match(result.stdout, /created and paired/);
    const listing = await accountListing(y.box);
    assert.deepEqual(listing.virtualMfa, [{ serial: MFA_SERIAL, user: 'admin' }]);
    assert.deepEqual(listing.users[0]!.tags['rolegate:pending-mfa-device'], undefined);
    // both profiles read codes from the key
    assert.equal(profileValue(y, 'default', 'mfa_process'), CODE_COMMAND);
    assert.equal(profileValue(y, 'admin', 'mfa_process'), CODE_COMMAND);
    // credential_process under the AWS CLI: the day's first MFA code comes from the key (a touch)
    const admin = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], { env: y.box.env });
    assert.equal(admin.code, 0, admin.stderr);
    assert.match(admin.stdout, new RegExp(`:assumed-role/admin/`));
    assert.equal(y.argvs().filter((a) => a.includes('code')).length, 3, 'one more code, for the MFA session');
  } finally {
    y.box.cleanup();
  }
});

test("mfa_process that waits for a touch: ykman's notice reaches the person while rolegate reads the code (credential-process, no terminal)", async () => {
  const y = yubikeyBox([{ serial: SERIAL, accounts: {} }]);
  try {
    assert.equal((await setupYubikey(y, ['--yubikey-touch'])).code, 0);
    const result = await runRolegate(['credential-process', 'default'], { env: y.box.env });
    assert.equal(result.code, 0, result.stderr);
    // right after pairing, the key's code of pairing's window is spent: rolegate may say it waits for the next one
    const notice = /^rolegate: warning: the MFA code of this 30 s window was already sent to AWS, which takes each code only once: running mfa_process again[^\n]*\n/;
    assert.equal(result.stderr.replace(notice, ''), 'Touch your YubiKey...\n');
    assert.equal(JSON.parse(result.stdout).Version, 1);
    assert.deepEqual((await moto.requests()).filter((r) => r.refused), [], 'the first use after pairing sent no code AWS had seen');
  } finally {
    y.box.cleanup();
  }
});

test('a rerun changes nothing, a rerun without --mfa-device keeps the mfa_process setup wrote, and teardown removes it', async () => {
  const y = yubikeyBox([{ serial: SERIAL, accounts: {} }]);
  try {
    assert.equal((await setupYubikey(y)).code, 0);
    const again = await setupYubikey(y);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing changed/);
    assert.match(again.stdout, /its codes come from YubiKey 12345678/);
    const plain = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', '--yes'], { env: y.box.env });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /Nothing changed/);
    assert.equal(profileValue(y, 'default', 'mfa_process'), CODE_COMMAND);
    const down = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes'], { env: y.box.env });
    assert.equal(down.code, 0, down.stderr + down.stdout);
    assert.match(down.stdout, /the OATH account AWS:admin@123456789012 stays on your YubiKey .*ykman --device 12345678 oath accounts delete AWS:admin@123456789012/);
    assert.ok(!existsSync(y.box.configFile) || !readFileSync(y.box.configFile, 'utf8').includes('mfa_process'), 'teardown removes the mfa_process it wrote');
  } finally {
    y.box.cleanup();
  }
});

test('preflight: no ykman, no key, two keys, an unremembered OATH password, or an account of that name on the key stop setup before any AWS change', async () => {
  const cases: { keys: StandInKey[]; ykman?: boolean; extra?: string[]; code: number; says: RegExp }[] = [
    { keys: [], ykman: false, code: 2, says: /ykman \(YubiKey Manager\) was not found on PATH/ },
    { keys: [], code: 1, says: /the YubiKey's OATH application did not answer \(ERROR: No YubiKey detected!\)/ },
    { keys: [{ serial: '111', accounts: {} }, { serial: '222', accounts: {} }], code: 2, says: /several YubiKeys are attached \(serials 111, 222\)[\s\S]*--yubikey-serial/ },
    { keys: [{ serial: '111', accounts: {} }], extra: ['--yubikey-serial', '333'], code: 2, says: /no YubiKey with serial 333 is attached \(attached: 111\)/ },
    { keys: [{ serial: SERIAL, password: 'prompt', accounts: {} }], code: 2, says: /password-protected and ykman does not remember its password[\s\S]*ykman oath access remember/ },
    { keys: [{ serial: SERIAL, accounts: { [ACCOUNT]: { seed: 'JBSWY3DPEHPK3PXP', touch: false } } }], code: 2, says: /already holds an OATH account AWS:admin@123456789012, and setup never overwrites one[\s\S]*oath accounts delete/ },
  ];
  for (const c of cases) {
    const y = yubikeyBox(c.keys, { ykman: c.ykman });
    try {
      await moto.clearRequests();
      const result = await setupYubikey(y, c.extra ?? []);
      assert.equal(result.code, c.code, result.stderr + result.stdout);
      assert.match(result.stderr, c.says);
      assert.deepEqual(mutations(await moto.requests()), [], `${c.says}: no AWS change`);
      assert.deepEqual(y.keys(), c.keys, 'the key is untouched');
    } finally {
      y.box.cleanup();
    }
  }
  // a plan refuses the same, with the same exit status
  const y = yubikeyBox([]);
  try {
    const plan = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--mfa-device', 'yubikey', '--plan'], { env: y.box.env });
    assert.equal(plan.code, 1);
    assert.match(plan.stderr, /No YubiKey detected/);
  } finally {
    y.box.cleanup();
  }
  const flags = await runRolegate(['setup', '--mfa-device', 'yubikey', '--mfa-code-command', 'true'], { env: y.box.env });
  assert.equal(flags.code, 2);
  assert.match(flags.stderr, /cannot be combined with --mfa-pair-command or --mfa-code-command/);
});

test('writing to the key fails after the device was created in IAM: the unpaired device is deleted again, and a rerun pairs', async () => {
  const y = yubikeyBox([{ serial: SERIAL, accounts: {} }]);
  try {
    const failed = await setupYubikey(y, [], { YKMAN_STANDIN_FAIL: 'add' });
    assert.equal(failed.code, 1, failed.stderr + failed.stdout);
    assert.match(failed.stderr, /ykman could not write the MFA seed into the YubiKey \(ERROR: Failed to connect to YubiKey\.\)/);
    assert.match(failed.stdout, /removed again, since pairing did not finish: the unpaired MFA device/);
    const listing = await accountListing(y.box);
    assert.deepEqual(listing.virtualMfa, [], 'no device left in IAM');
    assert.equal(listing.users[0]!.tags['rolegate:pending-mfa-device'], undefined, 'no progress record left');
    assert.deepEqual(y.keys()[0]!.accounts, {});
    const rerun = await setupYubikey(y);
    assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
    assert.deepEqual((await accountListing(y.box)).virtualMfa, [{ serial: MFA_SERIAL, user: 'admin' }]);
  } finally {
    y.box.cleanup();
  }
});

test('killed after the seed reached the key: the rerun replaces the unpaired device and the account it left on the key', async () => {
  const y = yubikeyBox([{ serial: SERIAL, accounts: {} }]);
  try {
    const killed = await setupYubikey(y, [], { ROLEGATE_TEST_KILL_AFTER_STEP: 'mfa-device:on-key' });
    assert.equal(killed.signal, 'SIGKILL');
    const left = y.keys()[0]!.accounts[ACCOUNT]!.seed;
    const rerun = await setupYubikey(y);
    assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
    assert.match(rerun.stdout, /the account an interrupted run left on the key is replaced|created and paired/);
    assert.notEqual(y.keys()[0]!.accounts[ACCOUNT]!.seed, left, 'the new device seed replaced the old one');
    assert.ok(y.argvs().some((a) => a.includes('add') && a.includes('--force')), 'overwritten knowingly (--force), only because the progress record names it');
    const admin = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity'], { env: y.box.env });
    assert.equal(admin.code, 0, admin.stderr);
  } finally {
    y.box.cleanup();
  }
});

test('re-pairing: a device paired with an authenticator app moves to the key only with --re-pair, which replaces it and pairs the new one on the key', async () => {
  const y = yubikeyBox([{ serial: SERIAL, accounts: {} }]);
  try {
    const app = await runRolegate(['setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', '--yes', ...mfaFlags(y.box)], { env: y.box.env, timeoutMs: 150_000 });
    assert.equal(app.code, 0, app.stderr + app.stdout);
    const appSeed = new URL(readFileSync(secretFile(y.box), 'utf8').trim()).searchParams.get('secret')!;
    // without --re-pair: refused before any change, saying how
    await moto.clearRequests();
    const refused = await setupYubikey(y);
    assert.equal(refused.code, 2, refused.stderr + refused.stdout);
    assert.match(refused.stderr, /already enabled, and YubiKey 12345678 holds no account AWS:admin@123456789012[\s\S]*--re-pair/);
    assert.deepEqual(mutations(await moto.requests()), []);
    const moved = await setupYubikey(y, ['--re-pair']);
    assert.equal(moved.code, 0, moved.stderr + moved.stdout);
    assert.match(moved.stdout, /replaced and paired anew/);
    const seed = y.keys()[0]!.accounts[ACCOUNT]!.seed;
    assert.notEqual(seed, appSeed);
    assert.deepEqual((await accountListing(y.box)).virtualMfa, [{ serial: MFA_SERIAL, user: 'admin' }]);
    assert.equal(profileValue(y, 'default', 'mfa_process'), CODE_COMMAND);
    for (const argv of y.argvs()) assert.ok(!argv.join(' ').includes(seed));
    // the cached session was made with the old device; a fresh one needs a code from the key
    assert.equal((await runRolegate(['logout'], { env: y.box.env })).code, 0);
    const admin = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity'], { env: y.box.env });
    assert.equal(admin.code, 0, admin.stderr);
    assert.equal(y.argvs().filter((a) => a.includes('code')).length, 3, 'two pairing codes and the session code, all from the key');
  } finally {
    y.box.cleanup();
  }
});
