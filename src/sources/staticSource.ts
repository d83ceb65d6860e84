/**
 * Static keys: a profile holding aws_access_key_id / aws_secret_access_key (and maybe
 * aws_session_token) in the credentials or config file, with no MFA device. Served as they stand,
 * never cached, with a warning: a long-term key on disk is what rolegate exists to replace
 * (`rolegate audit` flags it; `rolegate import PROFILE` moves it into a store behind MFA). A static
 * key profile WITH mfa_serial is rolegate's MFA-session kind (rolegateSource.ts) instead.
 */
import { getOwn } from '../config/profileMap.js';
import { resolveProfile, type SharedProfiles } from '../config/profiles.js';
import { NO_EXPIRY, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { UserError } from '../userError.js';
import type { CredentialSource, SpecOf } from './credentialSource.js';

function value(shared: SharedProfiles, spec: SpecOf<'static'>, key: string): string | undefined {
  // the file that holds the key holds the rest of it (botocore reads the three from one place)
  const values = spec.static.keyFile === 'credentials' ? shared.credentials.get(spec.profile) : resolveProfile(shared, spec.profile);
  const found = values ? getOwn(values, key) : undefined;
  return typeof found === 'string' && found.trim() !== '' ? found.trim() : undefined;
}

/** The profile's key as it stands (no AWS call). */
export function staticCredentials(shared: SharedProfiles, spec: SpecOf<'static'>): TemporaryCredentials {
  const accessKeyId = value(shared, spec, 'aws_access_key_id');
  const secretAccessKey = value(shared, spec, 'aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) {
    throw new UserError(`profile ${spec.profile} has aws_access_key_id but no aws_secret_access_key in the ${spec.static.keyFile} file`, {
      exitCode: 2,
      next: `add aws_secret_access_key to profile ${spec.profile}, or move the key into a store: rolegate import ${spec.profile}`,
    });
  }
  const sessionToken = value(shared, spec, 'aws_session_token') ?? value(shared, spec, 'aws_security_token') ?? '';
  return { accessKeyId, secretAccessKey, sessionToken, expiration: NO_EXPIRY, noExpiry: true };
}

export const staticSource: CredentialSource<'static'> = {
  kind: 'static',
  async resolve(spec, shared, options) {
    const credentials = staticCredentials(shared, spec);
    if (!spec.static.hasSessionToken) {
      options.onWarning?.(`profile ${spec.profile} is a long-term access key in plaintext in the ${spec.static.keyFile} file, served as it is; rolegate audit shows the risk, rolegate import ${spec.profile} moves it into a store behind MFA`);
    }
    return credentials;
  },
  // never cached: the files are the source, and read on every call
  async lookup() {
    return { warnings: [] };
  },
  async status(spec, shared) {
    let usable: TemporaryCredentials | undefined;
    try {
      usable = staticCredentials(shared, spec);
    } catch {
      usable = undefined;
    }
    return {
      type: spec.static.hasSessionToken ? 'static session key' : 'static long-term key',
      from: `${spec.static.keyFile} file`,
      links: [],
      ...(usable ? { usable } : {}),
    };
  },
  // nothing cached, and the long-term key is never removed
  async logout() {
    return [];
  },
  console: (spec) => (spec.static.hasSessionToken ? { kind: 'federate' } : { kind: 'federation-token' }),
  renewal: 'silently',
};
