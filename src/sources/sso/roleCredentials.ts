/**
 * Role credentials from GetRoleCredentials, cached where the AWS CLI v2 caches them:
 * `~/.aws/cli/cache/<key>.json`, the key being the SHA-1 hex of the minified, key-sorted JSON of
 * `{"accountId", "roleName", "sessionName"}` (or `"startUrl"` for a legacy profile; botocore's
 * SSOCredentialFetcher), the entry `{"ProviderType": "sso", "Credentials": {AccessKeyId,
 * SecretAccessKey, SessionToken, Expiration, AccountId}}`. One lock per entry (`sso-role-<key>`),
 * the entry read again after the wait: N processes that miss at once make one GetRoleCredentials.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { awsCliCacheDir, lockFile } from '../../files/rolegatePaths.cjs';
import { withLock } from '../../files/refreshLock.js';
import { readAwsCliCache } from '../../cache/awsCliCache.js';
import { isFresh, requiredRemainingMs, toAwsShape, type TemporaryCredentials } from '../../cache/temporaryCredentials.cjs';
import { accessTokenFor, callerSince, signInError, ssoLockOptions, type TokenOptions } from './accessToken.js';
import type { SsoTarget } from './ssoConfig.js';

export function roleCacheKey(target: Pick<SsoTarget, 'accountId' | 'roleName' | 'session'>): string {
  const args: Record<string, string> = { accountId: target.accountId, roleName: target.roleName };
  if (target.session.name !== undefined) args.sessionName = target.session.name;
  else args.startUrl = target.session.startUrl;
  const esc = (s: string) => JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const text = `{${Object.keys(args)
    .sort()
    .map((k) => `${esc(k)}:${esc(args[k]!)}`)
    .join(',')}}`;
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

export function roleCacheFile(target: Pick<SsoTarget, 'accountId' | 'roleName' | 'session'>, env: NodeJS.ProcessEnv = process.env): string {
  return join(awsCliCacheDir(env), `${roleCacheKey(target)}.json`);
}

/** The cached role credentials if they last `wantedMs` more (two thirds of an hour-long lifetime at most). */
export async function cachedRoleCredentials(target: SsoTarget, env: NodeJS.ProcessEnv, wantedMs?: number, onWarning?: (m: string) => void): Promise<TemporaryCredentials | undefined> {
  const read = await readAwsCliCache(roleCacheFile(target, env));
  if (read.warning) onWarning?.(read.warning);
  const credentials = read.credentials;
  if (!credentials) return undefined;
  return isFresh(credentials.expiration, Date.now(), requiredRemainingMs(entryLifetimeMs(roleCacheFile(target, env), credentials.expiration), wantedMs)) ? credentials : undefined;
}

/**
 * How long an entry's credentials were issued for: the entry records no creation time, so the
 * file's modification time stands for it (written right after GetRoleCredentials, by us or the AWS
 * CLI). Undefined when unknown.
 */
export function entryLifetimeMs(path: string, expiration: Date): number | undefined {
  try {
    const lifetime = expiration.getTime() - statSync(path).mtimeMs;
    return lifetime > 0 ? lifetime : undefined;
  } catch {
    return undefined;
  }
}

export interface RoleOptions extends TokenOptions {
  wantedMs?: number;
}

/** Cached role credentials, else GetRoleCredentials under the entry's lock. */
export async function ssoRoleCredentials(target: SsoTarget, options: RoleOptions): Promise<TemporaryCredentials> {
  const { env } = options;
  const since = options.since ?? callerSince();
  const hit = await cachedRoleCredentials(target, env, options.wantedMs, options.onWarning);
  if (hit) return hit;
  const file = roleCacheFile(target, env);
  const lock = lockFile(`sso-role-${roleCacheKey(target)}`, env);
  return withLock(
    lock,
    async (assertHeld) => {
      const again = await cachedRoleCredentials(target, env, options.wantedMs);
      if (again) return again;
      const tokenOptions = { ...options, since, profile: options.profile ?? target.profile };
      const token = await accessTokenFor(target.session, tokenOptions);
      let credentials: TemporaryCredentials;
      try {
        credentials = await getRoleCredentials(target, token.accessToken, options);
      } catch (error) {
        // the portal ended the token before its time (signed out elsewhere): one refresh (or, with a
        // person to reach, a sign-in; a legacy token has no refresh), one more try
        if (!(error instanceof RefusedToken) || (target.session.name === undefined && !options.signIn)) throw error instanceof RefusedToken ? error.userError : error;
        const again = await accessTokenFor(target.session, { ...tokenOptions, refused: token.accessToken });
        if (again.accessToken === token.accessToken) throw error.userError;
        credentials = await getRoleCredentials(target, again.accessToken, options).catch((e: unknown) => {
          throw e instanceof RefusedToken ? e.userError : e;
        });
      }
      const { writePrivateFile } = await import('../../files/privateFile.js');
      const body = { ProviderType: 'sso', Credentials: { ...toAwsShape(credentials), AccountId: target.accountId } };
      await writePrivateFile(file, JSON.stringify(body), { beforeRename: assertHeld });
      return credentials;
    },
    ssoLockOptions(lock, options.onWait),
  );
}

async function getRoleCredentials(target: SsoTarget, accessToken: string, options: RoleOptions): Promise<TemporaryCredentials> {
  const { ssoHttp } = await import('./ssoHttp.js');
  try {
    const answer = await ssoHttp<{ roleCredentials?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; expiration?: number } }>({
      service: 'SSO',
      operation: 'sso:GetRoleCredentials',
      method: 'GET',
      path: '/federation/credentials',
      query: { account_id: target.accountId, role_name: target.roleName },
      headers: { 'x-amz-sso_bearer_token': accessToken },
      region: target.session.region,
      env: options.env,
      idempotent: true,
    });
    const c = answer.roleCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration) throw new Error('GetRoleCredentials answered without credentials');
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration) };
  } catch (error) {
    const { serviceErrorName } = await import('./ssoHttp.js');
    const name = serviceErrorName(error);
    if (name === 'UnauthorizedException') throw new RefusedToken(signInError(target.session, options.profile ?? target.profile, 'IAM Identity Center refused the sign-in (expired or signed out)'));
    if (name === 'ForbiddenException' || name === 'ResourceNotFoundException') {
      const { UserError } = await import('../../userError.js');
      throw new UserError(`IAM Identity Center does not give this sign-in the role ${target.roleName} in account ${target.accountId} (${name})`, {
        next: `check sso_account_id and sso_role_name of profile ${target.profile}, or run \`rolegate sso populate\` to list what you can reach`,
      });
    }
    throw error;
  }
}

/** GetRoleCredentials answered 401: the token is no longer good, whatever its expiresAt says. */
class RefusedToken extends Error {
  constructor(readonly userError: Error) {
    super(userError.message);
  }
}
