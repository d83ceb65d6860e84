/**
 * Role credentials kept in the AWS CLI's own cache (`~/.aws/cli/cache`, botocore's key), for the
 * sources whose profiles the AWS CLI also reads (role chains, web identity): the lookup, the
 * refresh under one lock per entry (N callers started together make one STS call), and logout.
 */
import { awsCliCacheArgs, awsCliCacheFile, awsCliCacheKey, readAwsCliCache, type CacheKeyRole } from '../cache/awsCliCache.js';
import { isFresh, requiredRemainingMs, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { UserError } from '../userError.js';
import type { ResolveOptions, SourceLookup } from './credentialSource.js';

/** What AssumeRole and AssumeRoleWithWebIdentity answer. */
export interface AssumedRoleAnswer {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date | string };
  AssumedRoleUser?: { AssumedRoleId?: string; Arn?: string };
}

/** The entry for `key`; `lifetimeSeconds` is what the profile asks for (the entry itself does not say). */
export async function lookupRoleEntry(key: CacheKeyRole, lifetimeSeconds: number, env: NodeJS.ProcessEnv, now: number, wantedMs?: number): Promise<SourceLookup> {
  const path = awsCliCacheFile(key, env);
  const { credentials, warning } = await readAwsCliCache(path);
  const result: SourceLookup = { path, warnings: warning ? [warning] : [] };
  if (!credentials) return result;
  result.found = credentials;
  const lifetimeMs = lifetimeSeconds * 1000;
  const requiredMs = requiredRemainingMs(lifetimeMs, wantedMs);
  if (isFresh(credentials.expiration, now, requiredMs)) Object.assign(result, { credentials, requiredMs, lifetimeMs });
  return result;
}

/**
 * Fresh credentials from the entry, else from `assume()` under the entry's lock (the entry read
 * again once the lock is held), written to the entry for the AWS CLI and the next caller.
 */
export async function refreshRoleEntry(
  key: CacheKeyRole,
  lifetimeSeconds: number,
  about: { profile: string; roleArn: string },
  options: ResolveOptions,
  assume: () => Promise<AssumedRoleAnswer>,
): Promise<TemporaryCredentials> {
  const env = options.env ?? process.env;
  const first = await lookupRoleEntry(key, lifetimeSeconds, env, Date.now(), options.wantedMs);
  if (first.credentials) return first.credentials;
  for (const warning of first.warnings) options.onWarning?.(warning);
  const [{ withLock }, { lockFile }, { writeAwsCliCache }, { testRoleLifetimeSeconds }] = await Promise.all([
    import('../files/refreshLock.js'),
    import('../files/rolegatePaths.cjs'),
    import('../cache/awsCliCache.js'),
    import('../credentials/testHooks.js'),
  ]);
  return withLock(
    lockFile(`awscli-${awsCliCacheKey(awsCliCacheArgs(key))}`, env),
    async () => {
      const again = await lookupRoleEntry(key, lifetimeSeconds, env, Date.now(), options.wantedMs);
      if (again.credentials) return again.credentials;
      const createdAt = Date.now();
      const response = await assume();
      const c = response.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new UserError(`profile ${about.profile}: STS returned no credentials for ${about.roleArn}`, { next: 'run the command again' });
      const credentials: TemporaryCredentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
      const shortened = testRoleLifetimeSeconds(env);
      if (shortened !== undefined) credentials.expiration = new Date(Math.min(credentials.expiration.getTime(), createdAt + shortened * 1000));
      const assumed = response.AssumedRoleUser ? { AssumedRoleId: response.AssumedRoleUser.AssumedRoleId, Arn: response.AssumedRoleUser.Arn } : undefined;
      await writeAwsCliCache(again.path!, credentials, assumed);
      return credentials;
    },
    { onWait: options.onWait },
  );
}

/** Removes the entry; returns it when there was one. */
export async function removeRoleEntry(key: CacheKeyRole, env: NodeJS.ProcessEnv): Promise<string[]> {
  const { rm } = await import('node:fs/promises');
  const found = await lookupRoleEntry(key, 0, env, Date.now());
  const existed = found.found !== undefined || found.warnings.length > 0;
  await rm(found.path!, { force: true });
  return existed ? [found.path!] : [];
}
