/**
 * Where the long-term access key lives:
 *   keychain  the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux)
 *   file      an encrypted file (AES-256-GCM, key from a passphrase with scrypt), mode 0600
 *   plain     aws_access_key_id / aws_secret_access_key in the shared credentials file (the guide)
 * Each kind lives in its own module, loaded only when opened (the keychain one loads a native addon).
 */
export type StoreKind = 'keychain' | 'file' | 'plain';

export interface LongTermKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface KeyStore {
  kind: StoreKind;
  save(profile: string, key: LongTermKey): Promise<void>;
  load(profile: string): Promise<LongTermKey | undefined>;
  remove(profile: string): Promise<void>;
  /**
   * Asks now for what a later save will need (the key file's passphrase, checked against the
   * file or, for a new file, long enough), so a caller can fail before it creates the key.
   */
  prepareSave?(): Promise<void>;
}

export interface KeyStoreOptions {
  env?: NodeJS.ProcessEnv;
}

export const STORE_KINDS: readonly StoreKind[] = ['keychain', 'file', 'plain'];

export function isStoreKind(value: string): value is StoreKind {
  return (STORE_KINDS as readonly string[]).includes(value);
}

/**
 * Opens a store. `keychain` probes the OS keychain first and throws a UserError (offering
 * `--store file`) when it cannot be used; it never falls back to a weaker store by itself.
 */
export async function openKeyStore(kind: StoreKind, options: KeyStoreOptions = {}): Promise<KeyStore> {
  const env = options.env ?? process.env;
  switch (kind) {
    case 'keychain':
      return (await import('./keychainKeyStore.js')).openKeychainKeyStore(env);
    case 'file':
      return (await import('./fileKeyStore.js')).openFileKeyStore(env);
    case 'plain':
      return (await import('./plainKeyStore.js')).openPlainKeyStore(env);
    default:
      throw new Error(`unknown key store kind: ${String(kind)}`);
  }
}

/** A key is usable only with both halves present and non-empty. */
export function isLongTermKey(value: unknown): value is LongTermKey {
  const key = value as LongTermKey | null;
  return (
    typeof key === 'object' &&
    key !== null &&
    typeof key.accessKeyId === 'string' &&
    key.accessKeyId !== '' &&
    typeof key.secretAccessKey === 'string' &&
    key.secretAccessKey !== ''
  );
}
