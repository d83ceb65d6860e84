/**
 * What verify needs from the profiles: the read-only profile's long-term key (from the credentials
 * file, or from rolegate's key store in the store layout), and the admin profile's role, MFA device
 * and code source (guide layout `role_arn`, store layout `rolegate_role_arn`).
 */
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { ProfileValues, SharedProfiles } from '../config/profiles.js';
import { resolveProfile } from '../config/profiles.js';
import type { StoreKind } from '../keys/keyStore.js';

export interface ReadOnlyCredentials {
  /** Static long-term key, or undefined to let the SDK resolve the profile itself. */
  credentials?: AwsCredentialIdentity;
  /** Where the key came from, for the report (never the key). */
  source: string;
}

export interface AdminTarget {
  roleArn?: string;
  mfaSerial?: string;
  mfaProcess?: string;
  /** The profile holding the key the role is assumed from. */
  sourceProfile?: string;
}

export function text(values: ProfileValues | undefined, key: string): string | undefined {
  const value = values?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

async function fromStore(kind: StoreKind, profile: string, env: NodeJS.ProcessEnv) {
  try {
    const { openKeyStore } = await import('../keys/keyStore.js');
    const store = await openKeyStore(kind, { env });
    return await store.load(profile);
  } catch {
    return undefined;
  }
}

export async function readOnlyCredentials(shared: SharedProfiles, profile: string, env: NodeJS.ProcessEnv): Promise<ReadOnlyCredentials> {
  const values = resolveProfile(shared, profile);
  const accessKeyId = text(values, 'aws_access_key_id');
  const secretAccessKey = text(values, 'aws_secret_access_key');
  if (accessKeyId && secretAccessKey) {
    const sessionToken = text(values, 'aws_session_token');
    return { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, source: `profile ${profile} (credentials file)` };
  }
  if (values && text(values, 'credential_process')) {
    const hint = text(values, 'rolegate_store');
    const kinds: StoreKind[] = hint === 'keychain' || hint === 'file' ? [hint] : ['keychain', 'file'];
    for (const kind of kinds) {
      const key = await fromStore(kind, profile, env);
      if (key) return { credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, source: `profile ${profile} (rolegate ${kind} store)` };
    }
  }
  return { source: `profile ${profile} (resolved by the AWS SDK)` };
}

export function adminTarget(shared: SharedProfiles, adminProfile: string, readOnlyProfile: string): AdminTarget {
  const admin = resolveProfile(shared, adminProfile);
  const sourceProfile = text(admin, 'rolegate_source_profile') ?? text(admin, 'source_profile') ?? readOnlyProfile;
  const source = resolveProfile(shared, sourceProfile);
  return {
    roleArn: text(admin, 'rolegate_role_arn') ?? text(admin, 'role_arn'),
    mfaSerial: text(admin, 'mfa_serial') ?? text(source, 'mfa_serial'),
    mfaProcess: text(admin, 'mfa_process') ?? text(source, 'mfa_process'),
    sourceProfile,
  };
}
