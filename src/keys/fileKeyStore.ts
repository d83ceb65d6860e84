/**
 * The `file` store: every profile's key in one file, encrypted with AES-256-GCM under a key derived
 * from a passphrase with scrypt. Each write draws a new salt and nonce. The profile names sit in the
 * clear (they are in ~/.aws/config anyway) so rolegate can tell which store holds a profile without
 * asking for the passphrase; they are bound to the ciphertext as GCM additional data.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { badInput, UserError } from '../userError.js';
import { keyFilePath, lockFile } from '../files/rolegatePaths.cjs';
import { writePrivateFile } from '../files/privateFile.js';
import { readOptionalFile } from '../files/readOptionalFile.js';
import { withLock } from '../files/refreshLock.js';
import { isLongTermKey, type KeyStore, type LongTermKey } from './keyStore.js';

import { PASSPHRASE_VARIABLE } from '../childEnv.cjs';
import { PASSPHRASE_COMMAND_VARIABLE, PASSPHRASE_FD_VARIABLE, passphraseConfigured, passphraseFromEnvironment, passphraseOrigin } from './passphraseSource.js';

export { PASSPHRASE_VARIABLE };

interface Envelope {
  format: 'rolegate-keys';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  nonce: string;
  tag: string;
  profiles: string[];
  data: string;
}

type KeyMap = Record<string, LongTermKey>;

/**
 * What new files are written with: OWASP's minimum for scrypt (N = 2^17, r = 8, p = 1; 128 MiB,
 * about a quarter second), since a copy of the file can be attacked offline. Files written with
 * 2^15 by earlier versions still open, and are rewritten with these on the next save.
 */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

/**
 * The header is not authenticated (it decides the key that checks the tag), so what it may ask for
 * is bounded: a tampered N, r or p must not make every credential_process allocate gigabytes or
 * run for minutes. Lowering them gains an attacker nothing: another key, and the tag check fails.
 */
const KDF_LIMITS = { minN: 2 ** 15, maxN: 2 ** 20, maxR: 16, maxP: 4, maxMemory: 1024 ** 3 };
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MIN_SALT_BYTES = 16;

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;
}

function headerProblem(envelope: Envelope): string | undefined {
  const { N, r, p, salt } = envelope.kdf;
  if (!isPowerOfTwo(N) || N < KDF_LIMITS.minN || N > KDF_LIMITS.maxN) return `scrypt N=${String(N)} is outside 2^15..2^20`;
  if (!Number.isSafeInteger(r) || r < 1 || r > KDF_LIMITS.maxR) return `scrypt r=${String(r)} is outside 1..${KDF_LIMITS.maxR}`;
  if (!Number.isSafeInteger(p) || p < 1 || p > KDF_LIMITS.maxP) return `scrypt p=${String(p)} is outside 1..${KDF_LIMITS.maxP}`;
  if (128 * N * r > KDF_LIMITS.maxMemory) return 'scrypt would need more than 1 GiB';
  if (typeof salt !== 'string' || Buffer.from(salt, 'base64').length < MIN_SALT_BYTES) return 'the salt is too short';
  if (envelope.cipher !== 'aes-256-gcm') return `unknown cipher ${String(envelope.cipher)}`;
  if (typeof envelope.nonce !== 'string' || Buffer.from(envelope.nonce, 'base64').length !== NONCE_BYTES) return 'the nonce is not 12 bytes';
  if (typeof envelope.tag !== 'string' || Buffer.from(envelope.tag, 'base64').length !== TAG_BYTES) return 'the tag is not 16 bytes';
  if (typeof envelope.data !== 'string') return 'no data';
  return undefined;
}

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase, salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function additionalData(profiles: string[]): Buffer {
  return Buffer.from(JSON.stringify(['rolegate-keys', 1, profiles]));
}

export async function encryptKeys(keys: KeyMap, passphrase: string, kdf: { N: number; r: number; p: number } = SCRYPT): Promise<string> {
  const salt = randomBytes(MIN_SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const key = await deriveKey(passphrase, salt, kdf);
  const profiles = Object.keys(keys).sort();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(additionalData(profiles));
  const data = Buffer.concat([cipher.update(JSON.stringify({ keys }), 'utf8'), cipher.final()]);
  const envelope: Envelope = {
    format: 'rolegate-keys',
    version: 1,
    kdf: { name: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    nonce: nonce.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    profiles,
    data: data.toString('base64'),
  };
  return JSON.stringify(envelope, null, 2) + '\n';
}

function parseEnvelope(text: string, path: string): Envelope {
  let value: Envelope;
  try {
    value = JSON.parse(text) as Envelope;
  } catch {
    value = {} as Envelope;
  }
  const problem =
    value.format !== 'rolegate-keys' || value.version !== 1 || value.kdf?.name !== 'scrypt' || !Array.isArray(value.profiles) ? 'unknown format' : headerProblem(value);
  if (problem) {
    throw new UserError(`the encrypted key file ${path} is damaged or not a rolegate key file (${problem})`, {
      next: `restore it from a backup, or move it aside and store the key again (rolegate import --store file)`,
    });
  }
  return value;
}

export async function decryptKeys(text: string, passphrase: string, path: string): Promise<KeyMap> {
  const envelope = parseEnvelope(text, path);
  const { N, r, p, salt } = envelope.kdf;
  const key = await deriveKey(passphrase, Buffer.from(salt, 'base64'), { N, r, p });
  try {
    // authTagLength: without it Node accepts a tag cut down to 4 bytes, and checks only those.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(envelope.profiles));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
    const keys = (JSON.parse(plain.toString('utf8')) as { keys: KeyMap }).keys;
    return keys && typeof keys === 'object' ? keys : {};
  } catch {
    throw new UserError(`could not decrypt ${path}: wrong passphrase, or the file was altered`, {
      next: `check the passphrase (${PASSPHRASE_VARIABLE}, ${PASSPHRASE_COMMAND_VARIABLE}, ${PASSPHRASE_FD_VARIABLE}, or the one you typed) and try again`,
    });
  }
}

/** The profiles the key file holds, read without the passphrase; [] when there is no file. */
export async function fileStoreProfiles(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const path = keyFilePath(env);
  const text = await readOptionalFile(path);
  if (text === undefined) return [];
  try {
    return parseEnvelope(text, path).profiles;
  } catch {
    return [];
  }
}

/**
 * The shortest passphrase a new key file takes. Whoever copies the file can guess offline, and
 * scrypt only slows each guess; length is what makes the guessing hopeless.
 */
export const MIN_NEW_PASSPHRASE_LENGTH = 12;

/** Refuses a passphrase from the environment (variable, command or descriptor) that is too short for a new key file. */
export async function checkNewFilePassphrase(env: NodeJS.ProcessEnv, creating?: boolean): Promise<void> {
  if (!passphraseConfigured(env)) return;
  if (!(creating ?? (await fileStoreProfiles(env)).length === 0)) return;
  const passphrase = await passphraseFromEnvironment(env);
  if (!passphrase || [...passphrase].length >= MIN_NEW_PASSPHRASE_LENGTH) return;
  const origin = passphraseOrigin(env);
  throw badInput(
    `the passphrase from ${origin} is too short for a new encrypted key file: it needs at least ${MIN_NEW_PASSPHRASE_LENGTH} characters`,
    `give a longer passphrase through ${origin} (a few random words) and run the command again`,
  );
}

/**
 * For setup, before it creates anything: the file store will get a usable passphrase, from the
 * environment (long enough for a new file) or from a terminal to ask on.
 */
export async function checkFileStorePassphrase(env: NodeJS.ProcessEnv): Promise<void> {
  if (passphraseConfigured(env)) return checkNewFilePassphrase(env);
  const { terminalAvailable } = await import('../prompt/mfaCodeTerminal.js');
  if (terminalAvailable()) return;
  throw badInput(
    `--store file needs the passphrase of ${keyFilePath(env)}, and there is no terminal to ask on`,
    `set ${PASSPHRASE_COMMAND_VARIABLE} (a command that prints it), ${PASSPHRASE_FD_VARIABLE} or ${PASSPHRASE_VARIABLE} (at least ${MIN_NEW_PASSPHRASE_LENGTH} characters for a new file), or run setup from a terminal`,
  );
}

async function askPassphrase(path: string, creating: boolean): Promise<string> {
  const { terminalAvailable, readTerminalLine } = await import('../prompt/mfaCodeTerminal.js');
  if (!terminalAvailable()) {
    throw new UserError(`the encrypted key file ${path} needs its passphrase, and there is no terminal to ask on`, {
      next: `set ${PASSPHRASE_COMMAND_VARIABLE} (a command that prints it), ${PASSPHRASE_FD_VARIABLE} or ${PASSPHRASE_VARIABLE}, or run the command from a terminal`,
    });
  }
  if (!creating) {
    const given = await readTerminalLine(`rolegate: passphrase for ${path}: `, { hidden: true });
    if (given === '') throw new UserError('an empty passphrase is not allowed', { next: 'run the command again and type the passphrase' });
    return given;
  }
  // A new file: a passphrase too short, or two entries that differ, is asked for again.
  let problem = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await readTerminalLine(`rolegate: ${problem}passphrase for ${path} (at least ${MIN_NEW_PASSPHRASE_LENGTH} characters): `, { hidden: true });
    if ([...first].length < MIN_NEW_PASSPHRASE_LENGTH) {
      problem = 'too short; ';
      continue;
    }
    const second = await readTerminalLine('rolegate: the same passphrase again: ', { hidden: true });
    if (second === first) return first;
    problem = 'the two entries differed; ';
  }
  throw badInput(
    `no passphrase was chosen for the new key file ${path}`,
    `run the command again and type a passphrase of at least ${MIN_NEW_PASSPHRASE_LENGTH} characters (a few random words) twice`,
  );
}

export function openFileKeyStore(env: NodeJS.ProcessEnv): KeyStore {
  const path = keyFilePath(env);
  let passphrase: string | undefined;
  const getPassphrase = async (creating: boolean) => (passphrase ??= (await passphraseFromEnvironment(env)) ?? (await askPassphrase(path, creating)));

  // A file that holds no key (a teardown left it) is as good as none: it opens with no passphrase
  // and the next save writes a new file, under whatever passphrase is given then.
  const holdsKeys = async () => {
    const text = await readOptionalFile(path);
    return text !== undefined && parseEnvelope(text, path).profiles.length > 0;
  };
  const readAll = async (): Promise<KeyMap> => {
    const text = await readOptionalFile(path);
    if (text === undefined || parseEnvelope(text, path).profiles.length === 0) return {};
    return decryptKeys(text, await getPassphrase(false), path);
  };
  const update = (change: (keys: KeyMap) => boolean) =>
    withLock(lockFile('keys.enc', env), async (assertHeld) => {
      const exists = await holdsKeys();
      const keys = await readAll();
      if (!change(keys)) return;
      if (!exists) await checkNewFilePassphrase(env, true);
      // a folder named through ROLEGATE_KEY_FILE is the person's own: not re-permissioned
      // a lock taken over while we asked for the passphrase: write nothing (another save would be lost)
      await writePrivateFile(path, await encryptKeys(keys, await getPassphrase(!exists)), { tighten: !env.ROLEGATE_KEY_FILE, beforeRename: assertHeld });
    });

  return {
    kind: 'file',
    async prepareSave() {
      if (!(await holdsKeys())) {
        await checkNewFilePassphrase(env, true);
        await getPassphrase(true);
      } else {
        await readAll(); // a wrong passphrase fails here, not after the key exists
      }
    },
    async save(profile, key) {
      await update((keys) => {
        keys[profile] = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
        return true;
      });
    },
    async load(profile) {
      const text = await readOptionalFile(path);
      if (text === undefined || !parseEnvelope(text, path).profiles.includes(profile)) return undefined;
      const key = (await readAll())[profile];
      return isLongTermKey(key) ? key : undefined;
    },
    async remove(profile) {
      if (!(await fileStoreProfiles(env)).includes(profile)) return;
      await update((keys) => {
        if (!(profile in keys)) return false;
        delete keys[profile];
        return true;
      });
    },
  };
}
