/**
 * The store that holds a profile's long-term key, found the way the credential chain finds it
 * (rolegate_store on the profile, else the credentials file, else the encrypted key file, else the
 * keychain); `--store` overrides.
 */
import { badInput } from '../userError.js';
import { isStoreKind, openKeyStore, type KeyStore } from '../keys/keyStore.js';

export async function openProfileStore(profile: string, env: NodeJS.ProcessEnv, flag?: string): Promise<KeyStore> {
  if (flag !== undefined) {
    if (!isStoreKind(flag)) throw badInput(`unknown store: ${flag}`, 'use --store keychain, file or plain');
    return openKeyStore(flag, { env });
  }
  const { readSharedProfiles, resolveProfile } = await import('../config/profiles.js');
  const { locateKeyStoreKind } = await import('../keys/longTermKey.js');
  const shared = await readSharedProfiles(env);
  const hint = resolveProfile(shared, profile)?.rolegate_store;
  const kind = await locateKeyStoreKind(
    { keyProfile: profile, mfaSerial: '', storeHint: typeof hint === 'string' ? hint.trim() : undefined },
    shared,
    env,
  );
  return openKeyStore(kind, { env });
}
