/**
 * Console sign-in profiles (`login_session`, written by `aws login`, AWS CLI 2.32+), served through
 * the AWS SDK's own provider and cache (login/loginCredentials.ts), so rolegate, the AWS CLI and the
 * SDKs share one sign-in:
 *   resolve  the provider's credentials under one lock per sign-in: served from ~/.aws/login/cache
 *            while more than 5 minutes are left (the provider's rule, botocore's too), else renewed
 *            once through the sign-in service with the refresh token and a DPoP proof; then kept
 *            for the fast path (login/loginHandout.ts).
 *   lookup   that copy, fresh by rolegate's rule for 15-minute credentials (10 minutes left).
 *   status   the sign-in (the login cache) and what was handed out.
 *   logout   rolegate's copy and, as `aws logout` does, the sign-in itself (see logout below).
 * Console credentials last 15 minutes, and are renewed without the person for as long as the
 * sign-in lasts (up to 12 hours): env hands out what they have left (at least 5 minutes); exec's
 * endpoint and credential_process renew them.
 */
import { rm } from 'node:fs/promises';
import type { CredentialSource, SourceLookup, SpecOf } from './credentialSource.js';
import { linkFromLookup } from './credentialSource.js';
import { sharedFilePaths } from '../config/sharedFilePaths.js';
import { isFresh, requiredRemainingMs } from '../cache/temporaryCredentials.cjs';
import { LOGIN_LIFETIME_MS, handoutFile, readHandout, removeHandout, writeHandout } from './login/loginHandout.js';
import { loginCacheFile, summarizeLoginCache } from './login/loginCacheFile.js';
import { loginCommand } from './login/loginCommand.js';

function lookupHandout(spec: SpecOf<'login'>, env: NodeJS.ProcessEnv, now: number, wantedMs?: number): SourceLookup {
  const read = readHandout(spec.profile, spec.login.loginSession, env);
  const lookup: SourceLookup = { path: handoutFile(spec.profile, env), warnings: read.warning ? [read.warning] : [] };
  if (!read.credentials) return lookup;
  lookup.found = read.credentials;
  const requiredMs = requiredRemainingMs(LOGIN_LIFETIME_MS, wantedMs);
  if (isFresh(read.credentials.expiration, now, requiredMs)) {
    lookup.credentials = read.credentials;
    lookup.requiredMs = requiredMs;
    lookup.lifetimeMs = LOGIN_LIFETIME_MS;
  }
  return lookup;
}

export const loginSource: CredentialSource<'login'> = {
  kind: 'login',

  async resolve(spec, _shared, options) {
    const env = options.env ?? process.env;
    const { configFile, credentialsFile } = sharedFilePaths(env);
    const { resolveLoginCredentials } = await import('./login/loginCredentials.js');
    const result = await resolveLoginCredentials(spec.login, { env, configFile, credentialsFile, onWait: options.onWait, onWarning: options.onWarning });
    await writeHandout(spec.profile, spec.login.loginSession, result.credentials, env);
    return result.credentials;
  },

  async lookup(spec, env, now, wantedMs) {
    return lookupHandout(spec, env, now, wantedMs);
  },

  async status(spec, _shared, env, now) {
    const signIn = summarizeLoginCache(spec.login.loginSession, env);
    const handout = lookupHandout(spec, env, now);
    const signInLink = signIn.signedIn
      ? {
          ...linkFromLookup('console sign-in', { path: signIn.path, warnings: signIn.problem ? [signIn.problem] : [], ...(signIn.expiresAt ? { found: { accessKeyId: '', secretAccessKey: '', sessionToken: '', expiration: signIn.expiresAt } } : {}) }, now, 5 * 60_000),
          // expired credentials in the login cache are renewed from its refresh token: not the end of the sign-in
          ...(signIn.expiresAt && signIn.expiresAt.getTime() <= now ? { state: 'renewing-soon' as const } : {}),
        }
      : { name: 'console sign-in', state: 'none' as const, cacheFile: signIn.path, warnings: [signIn.problem ?? `not signed in: run ${loginCommand(spec.profile)}`] };
    return {
      type: 'console sign-in',
      from: `aws login (${spec.login.loginSession})`,
      links: [signInLink, linkFromLookup('credentials handed out', handout, now, 10 * 60_000)],
      ...(handout.credentials ? { usable: handout.credentials } : {}),
    };
  },

  /**
   * `aws logout` removes the profile's login cache file (its refresh token with it); rolegate does
   * the same and also removes its own copy. Logging out is meant to leave this machine unable to
   * act as the person: a refresh token left behind could mint credentials for up to 12 hours. Other
   * profiles with the same login_session are signed out with it, as with `aws logout`.
   */
  async logout(spec, _shared, env) {
    const removed: string[] = [];
    const handout = await removeHandout(spec.profile, env);
    if (handout) removed.push(handout);
    const signIn = loginCacheFile(spec.login.loginSession, env);
    const existed = await rm(signIn).then(
      () => true,
      () => false,
    );
    if (existed) removed.push(signIn);
    return removed;
  },

  console(spec) {
    return {
      kind: 'refuse',
      reason: `profile ${spec.profile} is a console sign-in (aws login): its credentials come from the console session you signed in to, and AWS's federation endpoint takes only role or federation-token credentials`,
      next: `open https://console.aws.amazon.com in the browser you signed in with, or use a role profile with source_profile = ${spec.profile}`,
    };
  },

  renewal: 'silently',
};
