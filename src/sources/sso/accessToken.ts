/**
 * An access token for the portal, from the shared token cache, refreshed silently with the cached
 * refresh token once it is within 15 minutes of its end (botocore's SSOTokenProvider window; the
 * JS SDK's is 5). The refresh runs under one lock per token file (`sso-token-<key>`), and a waiter
 * reads the file again after the wait: however many processes find the token old at once, one
 * CreateToken is made, and the file is rewritten (atomically, 0600, in botocore's format) for them
 * and for the AWS CLI and the SDKs. A failed refresh is not tried again for 60 s (botocore's rule)
 * while the token still works (`sso-token-<key>.attempt` beside the lock holds the time).
 *
 * No token, or an expired one that cannot be refreshed (or refused): with `signIn` (a person can be
 * reached) the device sign-in runs under the same lock, so parallel callers start one sign-in and
 * the others read its token after the wait; else, or when nobody can be reached, a UserError naming
 * `rolegate sso login` and `aws sso login`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { lockFile } from '../../files/rolegatePaths.cjs';
import { withLock } from '../../files/refreshLock.js';
import { UserError } from '../../userError.js';
import { loginCommands, type SsoSession } from './ssoConfig.js';
import { cacheTime, parseCacheTime, readTokenFile, tokenCacheFile, tokenCacheKey, writeTokenFile, type SsoToken } from './tokenCache.js';

export const REFRESH_WINDOW_MS = 15 * 60_000;
export const REFRESH_RETRY_MS = 60_000;
/**
 * How long a process waits for another one holding an SSO lock: that one may be waiting for a
 * person to approve a sign-in (bounded by SIGN_IN_WAIT_SECONDS), then calling the portal.
 */
export const SSO_LOCK_WAIT_MS = 15 * 60_000;
/** The longest a sign-in started for a caller waits for the approval (the device code's own life is shorter as a rule). */
export const SIGN_IN_WAIT_SECONDS = 12 * 60;

export interface AccessToken {
  accessToken: string;
  expiresAt: number;
  /** The token file it came from. */
  file: string;
}

export interface TokenOptions {
  env: NodeJS.ProcessEnv;
  /** The profile asked for, for the next step in errors. */
  profile?: string;
  onWait?: (pid: number) => void;
  onWarning?: (message: string) => void;
  now?: () => number;
  /** An access token the portal refused (401): refresh it even inside its lifetime, unless the file already holds another. */
  refused?: string;
  /**
   * Signs in (device authorization) when no token is usable, writing the token file with
   * `beforeWrite` called just before; resolves false when no person can be reached (then the
   * usual "sign in with ..." error follows). Called under the token file's lock.
   */
  signIn?: (session: SsoSession, beforeWrite: () => void) => Promise<boolean>;
  /** When the caller began (callerSince): a sign-in another process made and that failed after it is not started again for it. */
  since?: number;
}

/**
 * When a caller began, for "a sign-in that failed since then was this caller's too": the process's
 * start (parallel callers may take seconds to load under load), but at most a minute ago (a
 * long-lived exec endpoint may sign in again a minute after a failed sign-in).
 */
export function callerSince(now = Date.now()): number {
  return Math.max(performance.timeOrigin, now - 60_000);
}

/** The lock options of the SSO locks: a holder may be waiting for a person's approval. */
export function ssoLockOptions(path: string, onWait?: (pid: number) => void) {
  return {
    onWait,
    waitMs: SSO_LOCK_WAIT_MS,
    busyError: (pid: number | undefined) =>
      new UserError(`another rolegate process${pid !== undefined ? ` (pid ${pid})` : ''} has been signing in to IAM Identity Center or fetching role credentials for over ${SSO_LOCK_WAIT_MS / 60_000} minutes`, {
        next: `finish or cancel that process (its sign-in may be waiting for approval in the browser), or remove ${path} if it is stuck`,
      }),
  };
}

export function signInError(session: SsoSession, profile: string | undefined, what: string): UserError {
  const { rolegate, aws } = loginCommands(session, profile);
  return new UserError(`${what} for IAM Identity Center (${session.name !== undefined ? `sso-session ${session.name}` : session.startUrl})`, {
    next: `sign in with \`${rolegate}\` (or \`${aws}\`), then run the command again`,
  });
}

/** Whether the cached registration and refresh token allow a refresh (botocore's checks). */
export function refreshable(token: SsoToken, now: number): boolean {
  if (!token.refreshToken || !token.clientId || !token.clientSecret || !token.registrationExpiresAt) return false;
  const registrationEnd = parseCacheTime(token.registrationExpiresAt);
  return registrationEnd !== undefined && registrationEnd > now;
}

function usable(token: SsoToken | undefined, now: number, marginMs: number): number | undefined {
  if (!token) return undefined;
  const end = parseCacheTime(token.expiresAt);
  return end !== undefined && end - now > marginMs ? end : undefined;
}

async function lastAttempt(path: string): Promise<number | undefined> {
  try {
    const value = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The access token to call the portal with; refreshes it first when it is within the window. */
export async function accessTokenFor(session: SsoSession, options: TokenOptions): Promise<AccessToken> {
  const { env } = options;
  const now = options.now ?? Date.now;
  const file = tokenCacheFile(session, env);
  const first = readTokenFile(file);
  if (first.problem) options.onWarning?.(first.problem);
  if (!first.token && !options.signIn) throw signInError(session, options.profile, 'you are not signed in');
  const wanted = (token: SsoToken | undefined) => (token && token.accessToken !== options.refused ? usable(token, now(), REFRESH_WINDOW_MS) : undefined);
  const fresh = wanted(first.token);
  if (first.token && fresh !== undefined) return { accessToken: first.token.accessToken, expiresAt: fresh, file };
  // botocore refreshes only tokens of an sso-session; a legacy profile's token is used until it ends
  const noRefresh = (token: SsoToken | undefined) => !token || session.name === undefined || !refreshable(token, now());
  if (first.token && noRefresh(first.token) && !options.signIn) return stillValid(first.token, session, options, file);

  const key = tokenCacheKey(session);
  const lock = lockFile(`sso-token-${key}`, env);
  const failFile = lock.replace(/\.lock$/, '.signin-failed');
  return withLock(
    lock,
    async (assertHeld) => {
      const again = readTokenFile(file).token;
      const freshNow = wanted(again);
      if (again && freshNow !== undefined) return { accessToken: again.accessToken, expiresAt: freshNow, file };
      // what is left when no refresh can be made: the token while it lasts, else a sign-in (or the error)
      const orSignIn = async (token: SsoToken | undefined): Promise<AccessToken> => {
        const left = token && token.accessToken !== options.refused ? usable(token, now(), 0) : undefined;
        if (token && (left !== undefined || !options.signIn)) return stillValid(token, session, options, file);
        const what = token ? 'your sign-in has expired and cannot be refreshed' : 'you are not signed in';
        if (!options.signIn) throw signInError(session, options.profile, what);
        // the caller waited for another process's sign-in, which failed (denied, not approved in time): not one more
        const failedAt = await lastAttempt(failFile);
        if (failedAt !== undefined && failedAt >= (options.since ?? callerSince())) throw signInError(session, options.profile, "another rolegate process's sign-in, which this one waited for, was not completed");
        let signedIn: boolean;
        try {
          signedIn = await options.signIn(session, assertHeld);
        } catch (error) {
          await writeFile(failFile, String(now()), { mode: 0o600 }).catch(() => undefined);
          throw error;
        }
        if (!signedIn) throw signInError(session, options.profile, what);
        const signed = readTokenFile(file).token;
        const end = signed ? usable(signed, now(), 0) : undefined;
        if (!signed || end === undefined) throw signInError(session, options.profile, 'the sign-in left no usable token');
        return { accessToken: signed.accessToken, expiresAt: end, file };
      };
      const token = again ?? first.token;
      if (!token || noRefresh(token)) return orSignIn(token);
      const attemptFile = lock.replace(/\.lock$/, '.attempt');
      const attempted = await lastAttempt(attemptFile);
      if (attempted !== undefined && now() - attempted < REFRESH_RETRY_MS && usable(token, now(), 0) !== undefined) return orSignIn(token);
      await writeFile(attemptFile, String(now()), { mode: 0o600 });
      let refreshed: SsoToken;
      try {
        refreshed = await refreshToken(session, token, env, now);
      } catch (error) {
        // a network failure with an expired token says what failed, not "sign in again"
        if (!(error as { $metadata?: unknown }).$metadata && usable(token, now(), 0) === undefined) throw error;
        const reason = (error as Error).message;
        options.onWarning?.(`the IAM Identity Center token could not be refreshed (${reason})`);
        return orSignIn(token);
      }
      await writeTokenFile(file, refreshed, assertHeld);
      return { accessToken: refreshed.accessToken, expiresAt: parseCacheTime(refreshed.expiresAt)!, file };
    },
    ssoLockOptions(lock, options.onWait),
  );
}

function stillValid(token: SsoToken, session: SsoSession, options: TokenOptions, file: string): AccessToken {
  const now = (options.now ?? Date.now)();
  const end = usable(token, now, 0);
  if (end === undefined) throw signInError(session, options.profile, 'your sign-in has expired and cannot be refreshed');
  return { accessToken: token.accessToken, expiresAt: end, file };
}

/** CreateToken with the refresh token; the new token in botocore's shape (the registration kept). */
async function refreshToken(session: SsoSession, token: SsoToken, env: NodeJS.ProcessEnv, now: () => number): Promise<SsoToken> {
  const { ssoHttp } = await import('./ssoHttp.js');
  const answer = await ssoHttp<{ accessToken?: string; expiresIn?: number; refreshToken?: string }>({
    service: 'SSO_OIDC',
    operation: 'sso-oidc:CreateToken',
    method: 'POST',
    path: '/token',
    body: { clientId: token.clientId, clientSecret: token.clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken },
    region: session.region,
    env,
    // a refresh token may be spent by the first try: never resent
    idempotent: false,
  });
  if (!answer.accessToken || !answer.expiresIn) throw new Error('the answer held no access token');
  return {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: answer.accessToken,
    expiresAt: cacheTime(now() + answer.expiresIn * 1000),
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: token.registrationExpiresAt,
    ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
  };
}
