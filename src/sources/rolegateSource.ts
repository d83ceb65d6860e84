/**
 * rolegate's own profiles as sources: a key profile's MFA session (kind 'session': the long-term key
 * from its store or the credentials file, GetSessionToken with an MFA code) and a role assumed from
 * it (kind 'role': setup's store layout or the guide's role_arn/source_profile/mfa_serial layout).
 * The chain itself is credentials/resolveCredentials.ts, loaded only on a refresh; lookups read the
 * caches (cache/cachedCredentials.ts) and nothing more, as credential-process's full path wants.
 */
import { lookupRole, lookupSession } from '../cache/cachedCredentials.js';
import type { CredentialSource } from './credentialSource.js';

/** Loaded by status only: credential-process's full path loads no more than it needs. */
const linkFromLookup = async () => (await import('./credentialSource.js')).linkFromLookup;

export const sessionSource: CredentialSource<'session'> = {
  kind: 'session',
  async resolve(spec, shared, options) {
    const { resolveSessionCredentials } = await import('../credentials/resolveCredentials.js');
    return resolveSessionCredentials(shared, spec.session, { ...options, askedFor: spec.profile });
  },
  lookup: (spec, env, now, wantedMs) => lookupSession(spec.session, env, now, wantedMs),
  async status(spec, _shared, env, now) {
    const [session, link] = await Promise.all([lookupSession(spec.session, env, now), linkFromLookup()]);
    return { type: 'session', from: spec.session.keyProfile, links: [link('MFA session', session, now)], usable: session.credentials };
  },
  async logout(spec, _shared, env) {
    const [{ rm }, { sessionCacheFile }, { sessionEntryName }] = await Promise.all([import('node:fs/promises'), import('../files/rolegatePaths.cjs'), import('../cache/sessionCache.js')]);
    const path = sessionCacheFile(sessionEntryName(spec.session.keyProfile), env);
    const existed = (await lookupSession(spec.session, env, Date.now())).found !== undefined;
    await rm(path, { force: true });
    return existed ? [path] : [];
  },
  console: () => ({ kind: 'rolegate' }),
  renewal: 'with-person',
};

export const roleSource: CredentialSource<'role'> = {
  kind: 'role',
  async resolve(spec, shared, options) {
    const { resolveRoleCredentials } = await import('../credentials/resolveCredentials.js');
    return resolveRoleCredentials(shared, spec.role, options);
  },
  lookup: (spec, env, now, wantedMs) => lookupRole(spec.role, env, now, wantedMs),
  async status(spec, _shared, env, now) {
    const [session, role, link] = await Promise.all([lookupSession(spec.role.session, env, now), lookupRole(spec.role, env, now), linkFromLookup()]);
    return {
      type: `role (${spec.role.layout})`,
      from: spec.role.session.keyProfile,
      links: [link('MFA session', session, now), link('role', role, now)],
      usable: role.credentials,
    };
  },
  async logout(spec, _shared, env) {
    const { rm } = await import('node:fs/promises');
    const lookup = await lookupRole(spec.role, env, Date.now());
    const existed = lookup.found !== undefined || lookup.warnings.length > 0;
    await rm(lookup.path, { force: true });
    return existed ? [lookup.path] : [];
  },
  console: () => ({ kind: 'rolegate' }),
  renewal: 'silently',
  async sessionEnds(spec, env) {
    // with the session chain, renewals need no code until the MFA session ends: that is what lasts
    return spec.role.chain === 'session' ? (await lookupSession(spec.role.session, env)).found?.expiration : undefined;
  },
};
