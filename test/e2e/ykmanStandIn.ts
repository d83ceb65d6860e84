// STAND-IN for Yubico's `ykman` (no YubiKey is attached where the tests run). The tests put a
// script named `ykman` that runs this file first on PATH. It answers the calls rolegate makes as
// ykman 5 does (ykman/_cli/oath.py, util.py, __main__.py), and checks them:
//   - the keys and their OATH accounts live in a temporary file, YKMAN_STANDIN_STORE (named
//     mfa-seed-*.txt: it holds seeds, as a key would), JSON {keys: [{serial, password?, accounts}]};
//     password: 'remembered' (ykman uses it unasked) or 'prompt' (ykman would ask; stdin is a pipe
//     at EOF here, so it aborts);
//   - every argv is appended to YKMAN_STANDIN_ARGV_LOG, so a test can assert no seed was in one;
//   - `oath accounts add NAME SECRET` (a secret in argv) is refused with exit 97: the seed must
//     come on stdin, which ykman reads (one line) when stdin is not a terminal;
//   - codes are genuine TOTP codes of the stored seed (SHA-1, 6 digits, 30 s), never one twice
//     (test/harness/mfaCodes.ts, state under $HOME), as the strict AWS layer wants;
//   - an account that needs a touch prints "Touch your YubiKey..." on stderr before its code, and
//     waits for the touch (150 ms, or YKMAN_STANDIN_TOUCH_MS);
//   - YKMAN_STANDIN_FAIL=add makes `oath accounts add` fail as a key pulled out would.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { nextMfaCode } from '../harness/mfaCodes.js';

interface Account {
  seed: string;
  touch: boolean;
}
interface Key {
  serial: string;
  password?: 'remembered' | 'prompt';
  accounts: Record<string, Account>;
}
interface Store {
  keys: Key[];
}

const storeFile = process.env.YKMAN_STANDIN_STORE;
if (!storeFile) fail('stand-in ykman: YKMAN_STANDIN_STORE is not set', 98);
const argv = process.argv.slice(2);
if (process.env.YKMAN_STANDIN_ARGV_LOG) appendFileSync(process.env.YKMAN_STANDIN_ARGV_LOG, JSON.stringify(argv) + '\n');
const store = JSON.parse(readFileSync(storeFile, 'utf8')) as Store;
const save = () => writeFileSync(storeFile, JSON.stringify(store), { mode: 0o600 });

function fail(message: string, code = 1): never {
  process.stderr.write(message + '\n');
  process.exit(code);
}

let i = 0;
let device: string | undefined;
while (argv[i]?.startsWith('-')) {
  if (argv[i] === '--device' || argv[i] === '-d') {
    device = argv[i + 1];
    i += 2;
  } else if (argv[i] === '--version' || argv[i] === '-v') {
    process.stdout.write('YubiKey Manager (ykman) version: 5.5.1 (test stand-in)\n');
    process.exit(0);
  } else fail(`Error: No such option: ${argv[i]}`, 2);
}
const words = argv.slice(i);

if (words[0] === 'list') {
  if (device) fail("Error: --device can't be used with this command.", 2);
  for (const key of store.keys) process.stdout.write(words.includes('--serials') ? `${key.serial}\n` : `YubiKey 5 NFC (5.4.3) [OTP+FIDO+CCID] Serial: ${key.serial}\n`);
  process.exit(0);
}

function theKey(): Key {
  if (device !== undefined) {
    const key = store.keys.find((k) => k.serial === device);
    if (!key) fail(`ERROR: Failed connecting to a YubiKey with serial: ${device}.\nMake sure the application has the required permissions.`);
    return key;
  }
  if (store.keys.length === 0) fail('ERROR: No YubiKey detected!');
  if (store.keys.length > 1) fail('ERROR: Multiple YubiKeys detected. Use --device SERIAL to specify which one to use.');
  return store.keys[0]!;
}

/** ykman's password check: a remembered password is used; otherwise it asks, and stdin is at EOF. */
function unlock(key: Key): void {
  if (key.password === 'prompt') {
    process.stderr.write('Enter the password: \nAborted!\n');
    process.exit(1);
  }
}

if (words[0] !== 'oath') fail(`stand-in ykman: unsupported command ${JSON.stringify(words)}`, 98);
const key = theKey();
const [group, command] = [words[1], words[2]];

if (group === 'info') {
  const locked = key.password !== undefined;
  process.stdout.write(`OATH version: 5.4.3\nPassword protection: ${locked ? 'enabled' : 'disabled'}\n`);
  if (key.password === 'remembered') process.stdout.write('The password for this YubiKey is remembered by ykman.\n');
  process.exit(0);
}
if (group !== 'accounts') fail(`stand-in ykman: unsupported command ${JSON.stringify(words)}`, 98);
const rest = words.slice(3);

function search(query: string): string[] {
  const ids = Object.keys(key.accounts);
  if (ids.includes(query)) return [query];
  return ids.filter((id) => id.toLowerCase().includes(query.toLowerCase()));
}

if (command === 'list') {
  unlock(key);
  for (const id of Object.keys(key.accounts).sort()) process.stdout.write(`${id}\n`);
} else if (command === 'add') {
  const valued = new Set(['-o', '--oath-type', '-d', '--digits', '-a', '--algorithm', '-c', '--counter', '-i', '--issuer', '-P', '--period', '-p', '--password']);
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let j = 0; j < rest.length; j++) {
    const word = rest[j]!;
    if (valued.has(word)) options[word] = rest[++j] ?? '';
    else if (word.startsWith('-')) options[word] = true;
    else positional.push(word);
  }
  if (positional.length !== 1) fail(`stand-in ykman: refusing a secret in argv (${positional.length} arguments): the seed must come on stdin`, 97);
  if (options['-p'] ?? options['--password']) fail('stand-in ykman: refusing a password in argv', 97);
  const wanted = { type: options['--oath-type'] ?? options['-o'], digits: options['--digits'] ?? options['-d'], period: options['--period'] ?? options['-P'], algorithm: options['--algorithm'] ?? options['-a'] };
  if (JSON.stringify(wanted) !== JSON.stringify({ type: 'TOTP', digits: '6', period: '30', algorithm: 'SHA1' })) fail(`stand-in ykman: not AWS's TOTP parameters: ${JSON.stringify(wanted)}`, 98);
  // ykman's prompt for the secret reads one line from stdin when stdin is not a terminal
  if (process.stdin.isTTY) fail('stand-in ykman: stdin is a terminal; rolegate must pipe the seed', 98);
  const seed = (readFileSync(0, 'utf8').split('\n')[0] ?? '').trim();
  if (!/^[A-Z2-7]{16,}=*$/i.test(seed)) fail('Error: Invalid value for "secret"', 2);
  unlock(key);
  if (process.env.YKMAN_STANDIN_FAIL === 'add') fail('ERROR: Failed to connect to YubiKey.');
  const issuer = options['--issuer'] ?? options['-i'];
  const id = typeof issuer === 'string' ? `${issuer}:${positional[0]}` : positional[0]!;
  if (key.accounts[id] && !(options['--force'] ?? options['-f'])) {
    // click.confirm reads the answer from stdin, which is at EOF
    fail(`An account called ${positional[0]} already exists on this YubiKey. Do you want to overwrite it? [y/N]: \nAborted!`);
  }
  key.accounts[id] = { seed, touch: Boolean(options['--touch'] ?? options['-t']) };
  save();
} else if (command === 'code') {
  unlock(key);
  const single = rest.includes('--single') || rest.includes('-s');
  const query = rest.filter((w) => !w.startsWith('-'))[0] ?? '';
  const hits = search(query);
  if (!single) fail('stand-in ykman: rolegate asks for one code (--single)', 98);
  if (hits.length === 0) fail('ERROR: No matching account found.');
  if (hits.length > 1) fail(`Error: Multiple matches, make the query more specific.\n\n${hits.join('\n')}`);
  const account = key.accounts[hits[0]!]!;
  if (account.touch) {
    process.stderr.write('Touch your YubiKey...\n');
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.YKMAN_STANDIN_TOUCH_MS ?? 150))); // the touch
  }
  process.stdout.write((await nextMfaCode(account.seed, process.env.HOME!)) + '\n');
} else if (command === 'delete') {
  unlock(key);
  const hits = search(rest.filter((w) => !w.startsWith('-'))[0] ?? '');
  if (hits.length !== 1) fail(hits.length ? 'Error: Multiple matches, make the query more specific.' : 'No matches, nothing to be done.', hits.length ? 1 : 0);
  if (!(rest.includes('--force') || rest.includes('-f'))) fail(`Delete account: ${hits[0]} ? [y/N]: \nAborted!`);
  delete key.accounts[hits[0]!];
  save();
  process.stdout.write(`Deleted ${hits[0]}.\n`);
} else {
  fail(`stand-in ykman: unsupported command ${JSON.stringify(words)}`, 98);
}
