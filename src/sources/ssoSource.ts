/**
 * IAM Identity Center (SSO) profiles: `sso_session` profiles and legacy `sso_start_url` ones,
 * served from the caches the AWS CLI and the SDKs share. The token comes from
 * `~/.aws/sso/cache` (signed in by `rolegate sso login` or `aws sso login`, refreshed silently
 * with its refresh token: sso/accessToken.ts; with none usable, signed in on the spot where a person
 * can be reached: sso/callerSignIn.ts); role credentials from GetRoleCredentials, cached
 * in `~/.aws/cli/cache` under botocore's key (sso/roleCredentials.ts), one call for any number of
 * parallel callers. Nothing here loads the SDK: credential-process's full path carries this module.
 */
import type { CredentialSource, SourceLookup, SpecOf } from './credentialSource.js';
import { linkFromLookup } from './credentialSource.js';
import type { SsoSpec } from '../config/ssoSpec.js';
import { readAwsCliCache } from '../cache/awsCliCache.js';
import { isFresh, requiredRemainingMs } from '../cache/temporaryCredentials.cjs';
import type { SsoSession, SsoTarget } from './sso/ssoConfig.js';
import { entryLifetimeMs, roleCacheFile, ssoRoleCredentials } from './sso/roleCredentials.js';
import { parseCacheTime, readTokenFile, tokenCacheFile } from './sso/tokenCache.js';
import { REFRESH_WINDOW_MS, refreshable } from './sso/accessToken.js';

export function sessionOf(sso: SsoSpec): SsoSession {
  return {
    ...(sso.sessionName !== undefined ? { name: sso.sessionName } : {}),
    startUrl: sso.startUrl,
    region: sso.ssoRegion,
    ...(sso.registrationScopes ? { scopes: sso.registrationScopes } : {}),
  };
}

export function targetOf(spec: SpecOf<'sso'>): SsoTarget {
  return { profile: spec.profile, session: sessionOf(spec.sso), accountId: spec.sso.accountId, roleName: spec.sso.roleName, ...(spec.region !== undefined ? { region: spec.region } : {}) };
}

async function lookup(spec: SpecOf<'sso'>, env: NodeJS.ProcessEnv, now: number, wantedMs?: number): Promise<SourceLookup> {
  const path = roleCacheFile(targetOf(spec), env);
  const read = await readAwsCliCache(path);
  const warnings = read.warning ? [read.warning] : [];
  const found = read.credentials;
  // the entry records no creation time: its file's stands for it
  const lifetimeMs = found ? entryLifetimeMs(path, found.expiration) : undefined;
  const requiredMs = requiredRemainingMs(lifetimeMs, wantedMs);
  return {
    path,
    warnings,
    requiredMs,
    ...(lifetimeMs !== undefined ? { lifetimeMs } : {}),
    ...(found ? { found } : {}),
    ...(found && isFresh(found.expiration, now, requiredMs) ? { credentials: found } : {}),
  };
}

export const ssoSource: CredentialSource<'sso'> = {
  kind: 'sso',
  async resolve(spec, _shared, options) {
    const env = options.env ?? process.env;
    return ssoRoleCredentials(targetOf(spec), {
      env,
      profile: spec.profile,
      wantedMs: options.wantedMs,
      onWait: options.onWait,
      onWarning: options.onWarning,
      // no usable token: the device sign-in, where a person can be reached (loaded only then; in
      // the bundle an ES module of its own, whose UserErrors are UserErrors here: userError.ts)
      signIn: async (session, beforeWrite) => {
        const { signInForCaller } = await import('./sso/callerSignIn.js');
        return signInForCaller(env, spec.profile)(session, beforeWrite);
      },
    });
  },
  lookup,
  async status(spec, _shared, env, now) {
    const session = sessionOf(spec.sso);
    const tokenFile = tokenCacheFile(session, env);
    const read = readTokenFile(tokenFile);
    const end = read.token ? parseCacheTime(read.token.expiresAt) : undefined;
    const left = end === undefined ? undefined : end - now;
    const canRefresh = read.token !== undefined && session.name !== undefined && refreshable(read.token, now);
    const tokenLink = {
      name: canRefresh ? 'SSO token (refreshable)' : 'SSO token',
      state: left === undefined ? ('none' as const) : left <= 0 ? ('expired' as const) : left <= REFRESH_WINDOW_MS ? ('renewing-soon' as const) : ('valid' as const),
      ...(end !== undefined ? { expiresAt: new Date(end).toISOString(), secondsLeft: Math.max(0, Math.floor((left ?? 0) / 1000)) } : {}),
      cacheFile: tokenFile,
      warnings: read.problem ? [read.problem] : [],
    };
    const role = await lookup(spec, env, now);
    return {
      type: 'sso',
      from: session.name !== undefined ? `sso-session ${session.name}` : session.startUrl,
      links: [tokenLink, linkFromLookup(`role ${spec.sso.roleName} in ${spec.sso.accountId}`, role, now)],
      ...(role.credentials ? { usable: role.credentials } : {}),
    };
  },
  async logout(spec, _shared, env) {
    // the profile's role credentials; the sign-in itself (shared by every profile of the session) ends with `rolegate sso logout`
    const { rm, stat } = await import('node:fs/promises');
    const path = roleCacheFile(targetOf(spec), env);
    try {
      await stat(path);
    } catch {
      return [];
    }
    await rm(path, { force: true });
    return [path];
  },
  console() {
    // role credentials from GetRoleCredentials are what the federation endpoint takes
    return { kind: 'federate' };
  },
  renewal: 'silently',
  async sessionEnds(spec, env) {
    const session = sessionOf(spec.sso);
    const { token } = readTokenFile(tokenCacheFile(session, env));
    if (!token) return undefined;
    // a token that can be refreshed has no end rolegate can see (the refresh token's is the portal's)
    if (session.name !== undefined && refreshable(token, Date.now())) return undefined;
    const end = parseCacheTime(token.expiresAt);
    return end === undefined ? undefined : new Date(end);
  },
};
