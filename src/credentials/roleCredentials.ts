/**
 * The role link of rolegate's own chain, apart from the MFA session's: the role entry looked up,
 * the refresh under the entry's lock (the entry read again once the lock is held), AssumeRole
 * signed with the MFA session's credentials, and the entry written. Shared by the full chain
 * (resolveCredentials.ts) and the hourly role refresh driven by the shortcut note
 * (cli/roleRefresh.ts), which gives it the cached MFA session instead of the key and code path:
 * this module loads no key store, prompt or profile parser.
 */
import { awsCliCacheArgs, awsCliCacheFile, awsCliCacheKey, writeAwsCliCache } from '../cache/awsCliCache.js';
import { lookupRole } from '../cache/cachedCredentials.js';
import { lockFile } from '../files/rolegatePaths.cjs';
import { chainedRoleLimitText, CHAINED_ROLE_MAX_SECONDS, roleRequestSeconds } from '../config/roleChain.js';
import type { RoleSpec } from '../config/profileSpec.js';
import { withLock } from '../files/refreshLock.js';
import { roleEntryName, writeSessionEntry } from '../cache/sessionCache.js';
import { stsError } from './stsErrors.js';
import { testRoleLifetimeSeconds } from './testHooks.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { createStsQuery } from '../aws/stsQuery.js';

/** What a refresh of the chain is told and asked (resolveCredentials.ts's ResolveOptions). */
export interface RoleRefreshOptions {
  env?: NodeJS.ProcessEnv;
  /** Told when this process waits for another one that is refreshing. */
  onWait?: (holderPid: number) => void;
  /** Told about damaged cache files that were ignored, and about a duration that was capped. */
  onWarning?: (message: string) => void;
  /** How long the credentials handed out must still last (default 15 minutes; exec and env ask for more). */
  wantedMs?: number;
}

export type AssumedRole = { credentials: TemporaryCredentials; assumedRole?: { AssumedRoleId?: string; Arn?: string } };

export function fromSdk(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): TemporaryCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error('STS returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
}

export function fromAssumeRole(response: { Credentials?: Parameters<typeof fromSdk>[0]; AssumedRoleUser?: { AssumedRoleId?: string; Arn?: string } }): AssumedRole {
  const credentials = fromSdk(response.Credentials);
  const assumedRole = response.AssumedRoleUser ? { AssumedRoleId: response.AssumedRoleUser.AssumedRoleId, Arn: response.AssumedRoleUser.Arn } : undefined;
  return { credentials, assumedRole };
}

function roleSessionName(role: RoleSpec): string {
  return role.roleSessionName ?? `rolegate-${role.profile}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export function assumeRoleInput(role: RoleSpec) {
  return {
    RoleArn: role.roleArn,
    RoleSessionName: roleSessionName(role),
    DurationSeconds: roleRequestSeconds(role),
    ...(role.externalId ? { ExternalId: role.externalId } : {}),
  };
}

/** Session chain: AssumeRole signed with the MFA session's credentials (no new code while the session lasts). */
export async function assumeWithSessionCredentials(role: RoleSpec, session: TemporaryCredentials, options: RoleRefreshOptions): Promise<AssumedRole> {
  const env = options.env ?? process.env;
  if ((role.durationSeconds ?? 0) > CHAINED_ROLE_MAX_SECONDS) {
    options.onWarning?.(`duration_seconds ${role.durationSeconds} of profile ${role.profile} is capped at ${CHAINED_ROLE_MAX_SECONDS}: ${chainedRoleLimitText(role.profile)}`);
  }
  const context = { call: 'AssumeRole', profile: role.profile, roleArn: role.roleArn, keyProfile: role.session.keyProfile } as const;
  try {
    const client = createStsQuery({ credentials: session, region: role.region, env, purpose: 'refresh' });
    const response = await client.assumeRole(assumeRoleInput(role));
    return fromAssumeRole(response);
  } catch (error) {
    throw stsError(error, context, env);
  }
}

function roleLockName(role: RoleSpec): string {
  return role.layout === 'guide' ? `awscli-${awsCliCacheKey(awsCliCacheArgs(role))}` : roleEntryName(role.profile);
}

/**
 * Fresh role credentials from the entry, else from `assume()` under the entry's lock (the entry
 * read again once the lock is held), written to the entry (the AWS CLI's cache for the guide's layout).
 * `looked`: the entry as the caller has just read it (with the same wantedMs), not read again.
 */
export async function refreshRole(
  role: RoleSpec,
  options: RoleRefreshOptions,
  assume: () => Promise<AssumedRole>,
  looked?: Awaited<ReturnType<typeof lookupRole>>,
): Promise<TemporaryCredentials> {
  const env = options.env ?? process.env;
  const first = looked ?? (await lookupRole(role, env, Date.now(), options.wantedMs));
  if (first.credentials) return first.credentials;
  for (const warning of first.warnings) options.onWarning?.(warning);
  return withLock(
    lockFile(roleLockName(role), env),
    async () => {
      const again = await lookupRole(role, env, Date.now(), options.wantedMs);
      if (again.credentials) return again.credentials;
      const createdAt = new Date();
      const { credentials, assumedRole } = await assume();
      const shortened = testRoleLifetimeSeconds(env);
      if (shortened !== undefined) credentials.expiration = new Date(Math.min(credentials.expiration.getTime(), createdAt.getTime() + shortened * 1000));
      if (role.layout === 'guide') {
        await writeAwsCliCache(awsCliCacheFile(role, env), credentials, assumedRole);
      } else {
        await writeSessionEntry(
          roleEntryName(role.profile),
          {
            version: 1,
            kind: 'role',
            profile: role.profile,
            mfaSerial: role.mfaSerial,
            roleArn: role.roleArn,
            durationSeconds: role.durationSeconds,
            arn: assumedRole?.Arn,
            createdAt: createdAt.toISOString(),
            credentials,
          },
          env,
        );
      }
      return credentials;
    },
    { onWait: options.onWait },
  );
}
