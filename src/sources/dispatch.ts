/**
 * The dispatch: which source module serves a CredentialSpec, loaded only when asked for, so that a
 * command loads the one source its profile needs (credential-process's full path loads
 * rolegateSource.js and the cache readers for rolegate's own profiles, no SDK).
 */
import type { CredentialSpec } from '../config/profileSpec.js';
import type { CredentialSource, ResolveOptions, SourceKind, SourceLookup, TemporaryCredentials } from './credentialSource.js';
import type { SharedProfiles } from '../config/profiles.js';
// rolegate's own kinds are the common case and load nothing beyond the cache readers: imported
// statically, so credential-process's full path needs no extra chunk for them
import { roleSource, sessionSource } from './rolegateSource.js';

type Loaders = { [K in SourceKind]: () => Promise<CredentialSource<K>> };

const LOADERS: Loaders = {
  session: async () => sessionSource,
  role: async () => roleSource,
  static: async () => (await import('./staticSource.js')).staticSource,
  'assume-role': async () => (await import('./roleChainSource.js')).roleChainSource,
  process: async () => (await import('./processSource.js')).processSource,
  sso: async () => (await import('./ssoSource.js')).ssoSource,
  login: async () => (await import('./loginSource.js')).loginSource,
};

/** The source for a spec, typed for any kind (each member takes the spec it came with). */
export async function sourceFor(spec: CredentialSpec): Promise<CredentialSource<SourceKind>> {
  return (await LOADERS[spec.kind]()) as unknown as CredentialSource<SourceKind>;
}

/** The cache lookup of the spec's source. */
export async function lookupSpec(spec: CredentialSpec, env: NodeJS.ProcessEnv, now: number, wantedMs?: number): Promise<SourceLookup> {
  return (await sourceFor(spec)).lookup(spec as never, env, now, wantedMs);
}

/** Credentials for the spec through its source (cache, else refresh under the source's lock). */
export async function resolveSpec(spec: CredentialSpec, shared: SharedProfiles, options: ResolveOptions): Promise<TemporaryCredentials> {
  return (await sourceFor(spec)).resolve(spec as never, shared, options);
}

/** The note env and the shortcut keep about renewals: 'role' renews silently, 'session' needs the person. */
export async function handoutKind(spec: CredentialSpec): Promise<'role' | 'session'> {
  const { renewal } = await sourceFor(spec);
  return (typeof renewal === 'function' ? renewal(spec as never) : renewal) === 'silently' ? 'role' : 'session';
}
