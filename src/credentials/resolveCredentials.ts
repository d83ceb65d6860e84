/**
 * The credential chain: long-term key → GetSessionToken with MFA (default 12 h) → AssumeRole with
 * that session (profile's duration_seconds, else 1 h). Each link is cached until 15 minutes before
 * it expires, and each refresh runs under a lock so that processes started together spend one MFA
 * code and make one STS call per link: the first refreshes, the others wait and read the cache.
 * The SDK is loaded here, only when a refresh is needed.
 */
import type { SharedProfiles } from '../config/profiles.js';
import { badInput } from '../userError.js';
import { awsCliCacheArgs, awsCliCacheFile, awsCliCacheKey, writeAwsCliCache } from './awsCliCache.js';
import { lookupRole, lookupSession } from './cachedCredentials.js';
import { lockFile } from './cachePaths.cjs';
import { loadLongTermKey } from './longTermKey.js';
import { mfaCodeFromPerson, obtainMfaCode, TERMINAL_MFA_ATTEMPTS } from './mfaCode.js';
import type { CredentialSpec, RoleSpec, SessionSpec } from './profileSpec.js';
import { withLock } from './refreshLock.js';
import { roleEntryName, sessionEntryName, writeSessionEntry } from './sessionCache.js';
import { isMfaCodeRejection, stsError } from './stsErrors.js';
import type { TemporaryCredentials } from './temporaryCredentials.cjs';

export const DEFAULT_SESSION_SECONDS = 12 * 3600;
export const MAX_SESSION_SECONDS = 36 * 3600;
export const MIN_SESSION_SECONDS = 900;
export const DEFAULT_ROLE_SECONDS = 3600;

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** GetSessionToken duration (`--duration`); default the profile's rolegate_session_duration, else 12 h. */
  sessionDurationSeconds?: number;
  /** Told when this process waits for another one that is refreshing. */
  onWait?: (holderPid: number) => void;
  /** Told about damaged cache files that were ignored. */
  onWarning?: (message: string) => void;
}

function sessionSeconds(session: SessionSpec, options: ResolveOptions): number {
  const seconds = options.sessionDurationSeconds ?? session.durationSeconds ?? DEFAULT_SESSION_SECONDS;
  if (seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
    throw badInput(`an MFA session lasts from 15 minutes to 36 hours; ${seconds} s is out of range`, 'pick a duration between 15m and 36h, e.g. --duration 12h');
  }
  return seconds;
}

async function sts(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string | undefined, env: NodeJS.ProcessEnv) {
  const [{ createStsClient }, sdk] = await Promise.all([import('../aws/clients.js'), import('@aws-sdk/client-sts')]);
  return { client: createStsClient({ credentials, region, env }), sdk };
}

function roleSessionName(role: RoleSpec): string {
  return role.roleSessionName ?? `rolegate-${role.profile}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

function warnAll(warnings: string[], options: ResolveOptions) {
  for (const warning of warnings) options.onWarning?.(warning);
}

export async function resolveSessionCredentials(shared: SharedProfiles, session: SessionSpec, options: ResolveOptions & { askedFor?: string } = {}): Promise<TemporaryCredentials> {
  const env = options.env ?? process.env;
  const first = await lookupSession(session, env);
  if (first.credentials) return first.credentials;
  warnAll(first.warnings, options);
  const duration = sessionSeconds(session, options);
  return withLock(
    lockFile(sessionEntryName(session.keyProfile), env),
    async () => {
      const again = await lookupSession(session, env);
      if (again.credentials) return again.credentials;
      const { key } = await loadLongTermKey(session, shared, env);
      const context = { call: 'GetSessionToken', keyProfile: session.keyProfile, mfaSerial: session.mfaSerial } as const;
      const { client, sdk } = await sts(key, session.region, env).catch((error: unknown) => {
        throw stsError(error, context, env);
      });
      // A code typed by a person and refused by AWS (a typo, a code from the last window) is asked
      // for again; one from mfa_process is not, so a broken command cannot loop.
      const attempts = mfaCodeFromPerson(session) ? TERMINAL_MFA_ATTEMPTS : 1;
      let credentials: TemporaryCredentials | undefined;
      for (let attempt = 1; !credentials; attempt++) {
        const code = await obtainMfaCode(session, env, { profile: options.askedFor ?? session.keyProfile, expiredAt: again.found?.expiration, refusedBefore: attempt > 1 });
        try {
          const response = await client.send(new sdk.GetSessionTokenCommand({ DurationSeconds: duration, SerialNumber: session.mfaSerial, TokenCode: code }));
          credentials = fromSdk(response.Credentials);
        } catch (error) {
          if (attempt < attempts && isMfaCodeRejection(error)) continue;
          throw stsError(error, context, env);
        }
      }
      await writeSessionEntry(
        sessionEntryName(session.keyProfile),
        { version: 1, kind: 'session', profile: session.keyProfile, mfaSerial: session.mfaSerial, createdAt: new Date().toISOString(), credentials },
        env,
      );
      return credentials;
    },
    { onWait: options.onWait },
  );
}

function fromSdk(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): TemporaryCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error('STS returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
}

function roleLockName(role: RoleSpec): string {
  return role.layout === 'guide' ? `awscli-${awsCliCacheKey(awsCliCacheArgs(role))}` : roleEntryName(role.profile);
}

export async function resolveRoleCredentials(shared: SharedProfiles, role: RoleSpec, options: ResolveOptions = {}): Promise<TemporaryCredentials> {
  const env = options.env ?? process.env;
  const first = await lookupRole(role, env);
  if (first.credentials) return first.credentials;
  warnAll(first.warnings, options);
  return withLock(
    lockFile(roleLockName(role), env),
    async () => {
      const again = await lookupRole(role, env);
      if (again.credentials) return again.credentials;
      const session = await resolveSessionCredentials(shared, role.session, { ...options, askedFor: role.profile });
      const context = { call: 'AssumeRole', profile: role.profile, roleArn: role.roleArn, keyProfile: role.session.keyProfile } as const;
      let credentials: TemporaryCredentials;
      let assumedRole: { AssumedRoleId?: string; Arn?: string } | undefined;
      try {
        const { client, sdk } = await sts(session, role.region, env);
        const response = await client.send(
          new sdk.AssumeRoleCommand({
            RoleArn: role.roleArn,
            RoleSessionName: roleSessionName(role),
            DurationSeconds: role.durationSeconds ?? DEFAULT_ROLE_SECONDS,
            ...(role.externalId ? { ExternalId: role.externalId } : {}),
          }),
        );
        credentials = fromSdk(response.Credentials);
        assumedRole = response.AssumedRoleUser ? { AssumedRoleId: response.AssumedRoleUser.AssumedRoleId, Arn: response.AssumedRoleUser.Arn } : undefined;
      } catch (error) {
        throw stsError(error, context, env);
      }
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
            createdAt: new Date().toISOString(),
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

export function resolveCredentials(shared: SharedProfiles, spec: CredentialSpec, options: ResolveOptions = {}): Promise<TemporaryCredentials> {
  return spec.kind === 'session'
    ? resolveSessionCredentials(shared, spec.session, { ...options, askedFor: spec.profile })
    : resolveRoleCredentials(shared, spec.role, options);
}
