/**
 * The `file` store: every profile's key in one file, encrypted with AES-256-GCM under a key derived
 * from a passphrase with scrypt. Each write draws a new salt and nonce. The profile names sit in the
 * clear (they are in ~/.aws/config anyway) so rolegate can tell which store holds a profile without
 * asking for the passphrase; they are bound to the ciphertext as GCM additional data.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { UserError } from '../userError.js';
import { keyFilePath, lockFile } from './cachePaths.cjs';
import { readOptionalFile, writePrivateFile } from './privateFile.js';
import { withLock } from './refreshLock.js';
import { isLongTermKey, type KeyStore, type LongTermKey } from './keyStore.js';

import { PASSPHRASE_VARIABLE } from '../childEnv.js';

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

const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase, salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function additionalData(profiles: string[]): Buffer {
  return Buffer.from(JSON.stringify(['rolegate-keys', 1, profiles]));
}

export async function encryptKeys(keys: KeyMap, passphrase: string): Promise<string> {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const key = await deriveKey(passphrase, salt, SCRYPT);
  const profiles = Object.keys(keys).sort();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(additionalData(profiles));
  const data = Buffer.concat([cipher.update(JSON.stringify({ keys }), 'utf8'), cipher.final()]);
  const envelope: Envelope = {
    format: 'rolegate-keys',
    version: 1,
    kdf: { name: 'scrypt', ...SCRYPT, salt: salt.toString('base64') },
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
  if (value.format !== 'rolegate-keys' || value.version !== 1 || value.kdf?.name !== 'scrypt' || !Array.isArray(value.profiles)) {
    throw new UserError(`the encrypted key file ${path} is damaged or not a rolegate key file`, {
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
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce, 'base64'));
    decipher.setAAD(additionalData(envelope.profiles));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
    const keys = (JSON.parse(plain.toString('utf8')) as { keys: KeyMap }).keys;
    return keys && typeof keys === 'object' ? keys : {};
  } catch {
    throw new UserError(`could not decrypt ${path}: wrong passphrase, or the file was altered`, {
      next: `check ${PASSPHRASE_VARIABLE} (or the passphrase you typed) and try again`,
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

async function askPassphrase(path: string, confirm: boolean): Promise<string> {
  const { terminalAvailable, readTerminalLine } = await import('../prompt/mfaCodeTerminal.js');
  if (!terminalAvailable()) {
    throw new UserError(`the encrypted key file ${path} needs its passphrase, and there is no terminal to ask on`, {
      next: `set ${PASSPHRASE_VARIABLE} in the environment, or run the command from a terminal`,
    });
  }
  const first = await readTerminalLine(`rolegate: passphrase for ${path}: `, { hidden: true });
  if (first === '') throw new UserError('an empty passphrase is not allowed', { next: 'run the command again and type a passphrase' });
  if (confirm) {
    const second = await readTerminalLine('rolegate: the same passphrase again: ', { hidden: true });
    if (second !== first) throw new UserError('the two passphrases differ', { next: 'run the command again' });
  }
  return first;
}

export function openFileKeyStore(env: NodeJS.ProcessEnv): KeyStore {
  const path = keyFilePath(env);
  let passphrase: string | undefined = env[PASSPHRASE_VARIABLE] || undefined;
  const getPassphrase = async (creating: boolean) => (passphrase ??= await askPassphrase(path, creating));

  const readAll = async (): Promise<KeyMap> => {
    const text = await readOptionalFile(path);
    if (text === undefined) return {};
    parseEnvelope(text, path);
    return decryptKeys(text, await getPassphrase(false), path);
  };
  const update = (change: (keys: KeyMap) => boolean) =>
    withLock(lockFile('keys.enc', env), async () => {
      const exists = (await readOptionalFile(path)) !== undefined;
      const keys = await readAll();
      if (!change(keys)) return;
      await writePrivateFile(path, await encryptKeys(keys, await getPassphrase(!exists)));
    });

  return {
    kind: 'file',
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
