/**
 * The `keychain` store: @napi-rs/keyring, service "rolegate", account = profile name. On Linux the
 * entry is pinned to the Secret Service: the library would otherwise fall back to the kernel
 * keyring, which forgets everything at logout and is no place for a long-term key.
 */
import { UserError } from '../userError.js';
import { isLongTermKey, type KeyStore, type LongTermKey } from './keyStore.js';

export const KEYCHAIN_SERVICE = 'rolegate';
const PROBE_ACCOUNT = 'rolegate-availability-probe';
/** A desktop keyring may show an unlock dialog; give a person time, but never hang for ever. */
const KEYCHAIN_TIMEOUT_MS = 60_000;

type KeyringModule = typeof import('@napi-rs/keyring');

function unusable(cause: unknown): UserError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const where =
    process.platform === 'linux'
      ? 'the Secret Service on D-Bus is missing or locked (a headless machine, or no unlocked keyring daemon)'
      : 'the operating system refused access';
  return new UserError(`the OS keychain cannot be used here: ${where} (${detail.split('\n')[0]})`, {
    next: 'use --store file instead (an encrypted file; passphrase from ROLEGATE_FILE_PASSPHRASE or a prompt), or start and unlock a keyring (gnome-keyring, KeePassXC) and retry',
    cause,
  });
}

async function loadKeyring(): Promise<KeyringModule> {
  try {
    return await import('@napi-rs/keyring');
  } catch (cause) {
    throw unusable(cause);
  }
}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS);
  return work(signal);
}

export async function openKeychainKeyStore(_env: NodeJS.ProcessEnv): Promise<KeyStore> {
  const keyring = await loadKeyring();
  const entry = (profile: string) =>
    new keyring.AsyncEntry(KEYCHAIN_SERVICE, profile, process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined);
  try {
    await withTimeout((signal) => entry(PROBE_ACCOUNT).getPassword(signal));
  } catch (cause) {
    throw unusable(cause);
  }
  return {
    kind: 'keychain',
    async save(profile: string, key: LongTermKey) {
      const value = JSON.stringify({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
      try {
        await withTimeout((signal) => entry(profile).setPassword(value, signal));
      } catch (cause) {
        throw unusable(cause);
      }
    },
    async load(profile: string) {
      let value: string | null;
      try {
        value = await withTimeout((signal) => entry(profile).getPassword(signal));
      } catch (cause) {
        throw unusable(cause);
      }
      if (value === null) return undefined;
      try {
        const key = JSON.parse(value) as unknown;
        return isLongTermKey(key) ? { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } : undefined;
      } catch {
        return undefined;
      }
    },
    async remove(profile: string) {
      try {
        await withTimeout((signal) => entry(profile).deleteCredential(signal));
      } catch (cause) {
        throw unusable(cause);
      }
    },
  };
}
