/**
 * Finds the long-term key for a session: in the store the profile names (rolegate_store), else in
 * the credentials file (plain), else in the encrypted key file (which lists its profiles in the
 * clear), else in the OS keychain.
 */
import type { SharedProfiles } from '../config/profiles.js';
import { UserError, isUserError } from '../userError.js';
import { quotePosix } from '../shellQuote.js';
import { keyFilePath } from '../files/rolegatePaths.cjs';
import { fileStoreProfiles } from './fileKeyStore.js';
import { isStoreKind, openKeyStore, type LongTermKey, type StoreKind } from './keyStore.js';
import type { SessionSpec } from '../config/profileSpec.js';

export async function locateKeyStoreKind(session: SessionSpec, shared: SharedProfiles, env: NodeJS.ProcessEnv): Promise<StoreKind> {
  if (session.storeHint && isStoreKind(session.storeHint)) return session.storeHint;
  const plain = shared.credentials.get(session.keyProfile) ?? {};
  const inConfig = shared.config.get(session.keyProfile) ?? {};
  if (typeof (plain.aws_access_key_id ?? inConfig.aws_access_key_id) === 'string') return 'plain';
  if ((await fileStoreProfiles(env)).includes(session.keyProfile)) return 'file';
  return 'keychain';
}

export async function loadLongTermKey(session: SessionSpec, shared: SharedProfiles, env: NodeJS.ProcessEnv): Promise<{ key: LongTermKey; kind: StoreKind }> {
  const kind = await locateKeyStoreKind(session, shared, env);
  const profile = session.keyProfile;
  const missing = (detail: string) =>
    new UserError(`no access key for profile ${profile}: ${detail}`, {
      next: `store the key again: \`rolegate import ${quotePosix(profile)} --store keychain|file\` (from the credentials file) or \`rolegate setup\``,
    });
  let key: LongTermKey | undefined;
  try {
    key = await (await openKeyStore(kind, { env })).load(profile);
  } catch (error) {
    if (kind === 'keychain' && isUserError(error) && !session.storeHint) {
      throw missing(`it is not in the credentials file nor in ${keyFilePath(env)}, and ${error.message}`);
    }
    throw error;
  }
  if (!key) {
    const where =
      kind === 'plain' ? 'the credentials file has an incomplete key' : kind === 'file' ? `it is not in ${keyFilePath(env)}` : 'it is not in the OS keychain (service "rolegate")';
    throw missing(where);
  }
  return { key, kind };
}
