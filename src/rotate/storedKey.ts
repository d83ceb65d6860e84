/**
 * Which store holds a profile's long-term key: `plain` when the credentials file has the key,
 * `file` when the encrypted key file lists the profile (readable without the passphrase), else
 * `keychain` when the profile runs rolegate's credential_process. `--store` overrides.
 */
import { badInput, UserError } from '../userError.js';
import { isStoreKind, openKeyStore, type KeyStore, type StoreKind } from '../credentials/keyStore.js';

export async function detectStoreKind(profile: string, env: NodeJS.ProcessEnv): Promise<StoreKind> {
  const { readSharedProfiles } = await import('../config/profiles.js');
  const shared = await readSharedProfiles(env);
  const credentials = shared.credentials.get(profile);
  if (typeof credentials?.aws_access_key_id === 'string' && credentials.aws_access_key_id !== '') return 'plain';
  const { fileStoreProfiles } = await import('../credentials/fileKeyStore.js');
  if ((await fileStoreProfiles(env)).includes(profile)) return 'file';
  const process = shared.config.get(profile)?.credential_process;
  if (typeof process === 'string' && /\bcredential-process\b/.test(process) && /rolegate|main\.js/.test(process)) return 'keychain';
  throw new UserError(`profile ${profile} has no long-term key that rolegate knows (not in the credentials file, the encrypted key file or a rolegate credential_process)`, {
    next: `name the store with --store keychain|file|plain, or the profile that holds the read-only user's key (rolegate rotate PROFILE)`,
  });
}

export async function openProfileStore(profile: string, env: NodeJS.ProcessEnv, flag?: string): Promise<KeyStore> {
  if (flag !== undefined && !isStoreKind(flag)) throw badInput(`unknown store: ${flag}`, 'use --store keychain, file or plain');
  const kind = (flag as StoreKind | undefined) ?? (await detectStoreKind(profile, env));
  return openKeyStore(kind, { env });
}
