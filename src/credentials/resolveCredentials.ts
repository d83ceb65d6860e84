/**
 * The credential chain: long-term key → GetSessionToken with MFA (default 12 h) → AssumeRole with
 * that session (profile's duration_seconds, at most 1 h: AWS's limit for role chaining). A profile
 * with rolegate_role_chain = direct assumes its role with the long-term key and an MFA code
 * instead (up to the role's maximum, one code per role session). Each link is cached until shortly
 * before it expires (see requiredRemainingMs), and each refresh runs under a lock so that processes
 * started together spend one MFA code and make one STS call per link: the first refreshes, the
 * others wait and read the cache. STS is called (aws/stsQuery.ts, without the SDK) only when a refresh is needed.
 */
import type { SharedProfiles } from '../config/profiles.js';
import { badInput } from '../userError.js';
import { lookupSession } from '../cache/cachedCredentials.js';
import { lockFile } from '../files/rolegatePaths.cjs';
import type { SpentMfaCode } from './mfaCode.js';
import type { RolegateSpec, RoleSpec, SessionSpec } from '../config/profileSpec.js';
import { withLock } from '../files/refreshLock.js';
import { sessionEntryName, writeSessionEntry } from '../cache/sessionCache.js';
import { isMfaCodeRejection, stsError } from './stsErrors.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { createStsQuery } from '../aws/stsQuery.js';
import { assumeRoleInput, assumeWithSessionCredentials, fromAssumeRole, fromSdk, refreshRole, type AssumedRole, type RoleRefreshOptions } from './roleCredentials.js';

export const DEFAULT_SESSION_SECONDS = 12 * 3600;
export const MAX_SESSION_SECONDS = 36 * 3600;
export const MIN_SESSION_SECONDS = 900;

/** What a refresh of the chain is told and asked (the role link's options, and the session's duration). */
export interface ResolveOptions extends RoleRefreshOptions {
  /** GetSessionToken duration (`--duration`); default the profile's rolegate_session_duration, else 12 h. */
  sessionDurationSeconds?: number;
}

function sessionSeconds(session: SessionSpec, options: ResolveOptions): number {
  const seconds = options.sessionDurationSeconds ?? session.durationSeconds ?? DEFAULT_SESSION_SECONDS;
  if (seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
    throw badInput(`an MFA session lasts from 15 minutes to 36 hours; ${seconds} s is out of range`, 'pick a duration between 15m and 36h, e.g. --duration 12h');
  }
  return seconds;
}

/**
 * The key store and the MFA code sources, loaded only by a refresh that needs the long-term key:
 * the hourly role refresh signs with the cached MFA session and loads neither.
 */
async function keyAndCode() {
  const [{ loadLongTermKey }, mfa] = await Promise.all([import('../keys/longTermKey.js'), import('./mfaCode.js')]);
  return { loadLongTermKey, ...mfa };
}

/** The STS calls of a refresh, signed and sent without the SDK (aws/stsQuery.ts). */
async function sts(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string | undefined, env: NodeJS.ProcessEnv, carriesMfaCode = false) {
  const client = createStsQuery({ credentials, region, env, purpose: 'refresh', carriesMfaCode });
  return { client, sends: client.attempts };
}

/**
 * Sends a call that carries an MFA code from the session's source, under the MFA device's lock and
 * for a TOTP window whose code has not gone to AWS yet (mfaWindow.ts: one code per window per
 * device, across processes; the window used is recorded). A code the person typed and AWS refused
 * is asked for again (TERMINAL_MFA_ATTEMPTS in all; a broken mfa_process is not run in a loop). A
 * code sent in a request whose answer never came (a 5xx, a dropped connection: spendsMfaCode) may
 * have been used up by AWS, which takes each code once: it is never resent (the client's SDK
 * resends only requests AWS surely never carried out), and the call is made again with a fresh
 * code, the person told why, within the call's `sends` attempts.
 */
export async function sendWithMfaCode<T>(
  session: SessionSpec,
  env: NodeJS.ProcessEnv,
  ask: { profile: string; expiredAt?: Date; onNotice?: (message: string) => void; onWait?: (holderPid: number) => void },
  sends: number,
  send: (code: string) => Promise<T>,
): Promise<T> {
  const [{ spendsMfaCode, isAwsTransientError }, { mfaCodeFromPerson, obtainMfaCode, TERMINAL_MFA_ATTEMPTS }, { withMfaDevice }] = await Promise.all([
    import('../aws/networkErrors.js'),
    import('./mfaCode.js'),
    import('./mfaWindow.js'),
  ]);
  const fromPerson = mfaCodeFromPerson(session);
  const refusals = fromPerson ? TERMINAL_MFA_ATTEMPTS : 1;
  return withMfaDevice(
    session.mfaSerial,
    env,
    async (device) => {
      let refused = 0;
      let lost = 0;
      let spent: SpentMfaCode | undefined;
      for (;;) {
        const { code, window } = await obtainMfaCode(session, env, { ...ask, refusedBefore: refused > 0 && !spent, spent, usedWindow: device.usedWindow });
        try {
          const result = await send(code);
          await device.markUsed(window);
          return result;
        } catch (error) {
          // AWS may have taken the code, unless it surely never read it or refused a typed one as wrong
          const unread = isAwsTransientError(error) && !error.mayHaveRun;
          if (!unread && !(fromPerson && isMfaCodeRejection(error))) await device.markUsed(window);
          if (isMfaCodeRejection(error) && ++refused < refusals) {
            spent = undefined;
            continue;
          }
          if (spendsMfaCode(error) && ++lost < sends) {
            spent = { code, reason: error.message };
            continue;
          }
          throw error;
        }
      }
    },
    { onWait: ask.onWait },
  );
}

function warnAll(warnings: string[], options: ResolveOptions) {
  for (const warning of warnings) options.onWarning?.(warning);
}

export async function resolveSessionCredentials(shared: SharedProfiles, session: SessionSpec, options: ResolveOptions & { askedFor?: string } = {}): Promise<TemporaryCredentials> {
  const env = options.env ?? process.env;
  const first = await lookupSession(session, env, Date.now(), options.wantedMs);
  if (first.credentials) return first.credentials;
  warnAll(first.warnings, options);
  const duration = sessionSeconds(session, options);
  return withLock(
    lockFile(sessionEntryName(session.keyProfile), env),
    async () => {
      const again = await lookupSession(session, env, Date.now(), options.wantedMs);
      if (again.credentials) return again.credentials;
      const { loadLongTermKey } = await keyAndCode();
      const { key } = await loadLongTermKey(session, shared, env);
      const context = { call: 'GetSessionToken', keyProfile: session.keyProfile, mfaSerial: session.mfaSerial } as const;
      const { client, sends } = await sts(key, session.region, env, true).catch((error: unknown) => {
        throw stsError(error, context, env);
      });
      const credentials = await sendWithMfaCode(
        session,
        env,
        { profile: options.askedFor ?? session.keyProfile, expiredAt: again.found?.expiration, onNotice: options.onWarning, onWait: options.onWait },
        sends,
        async (code) => fromSdk((await client.getSessionToken({ DurationSeconds: duration, SerialNumber: session.mfaSerial, TokenCode: code })).Credentials),
      ).catch((error: unknown) => {
        throw stsError(error, context, env);
      });
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

/** Session chain: AssumeRole signed with the MFA session (no new code while the session lasts). */
async function assumeWithSession(shared: SharedProfiles, role: RoleSpec, options: ResolveOptions): Promise<AssumedRole> {
  // the session only has to be valid for this one call
  const session = await resolveSessionCredentials(shared, role.session, { ...options, wantedMs: undefined, askedFor: role.profile });
  return assumeWithSessionCredentials(role, session, options);
}

/**
 * Direct chain: AssumeRole signed with the long-term key, with an MFA code, as the AWS CLI does for
 * role_arn + mfa_serial. Under the key profile's lock, and the MFA device's while the code is
 * obtained and sent (sendWithMfaCode), so no two processes spend the same code.
 */
async function assumeDirect(shared: SharedProfiles, role: RoleSpec, options: ResolveOptions): Promise<AssumedRole> {
  const env = options.env ?? process.env;
  const context = { call: 'AssumeRole', profile: role.profile, roleArn: role.roleArn, keyProfile: role.session.keyProfile } as const;
  return withLock(
    lockFile(sessionEntryName(role.session.keyProfile), env),
    async () => {
      const { loadLongTermKey } = await keyAndCode();
      const { key } = await loadLongTermKey(role.session, shared, env);
      const { client, sends } = await sts(key, role.region, env, true).catch((error: unknown) => {
        throw stsError(error, context, env);
      });
      return sendWithMfaCode(role.session, env, { profile: role.profile, onNotice: options.onWarning, onWait: options.onWait }, sends, async (code) =>
        fromAssumeRole(await client.assumeRole({ ...assumeRoleInput(role), SerialNumber: role.mfaSerial, TokenCode: code })),
      ).catch((error: unknown) => {
        throw stsError(error, context, env);
      });
    },
    { onWait: options.onWait },
  );
}

export function resolveRoleCredentials(shared: SharedProfiles, role: RoleSpec, options: ResolveOptions = {}): Promise<TemporaryCredentials> {
  return refreshRole(role, options, () => (role.chain === 'direct' ? assumeDirect(shared, role, options) : assumeWithSession(shared, role, options)));
}

export function resolveCredentials(shared: SharedProfiles, spec: RolegateSpec, options: ResolveOptions = {}): Promise<TemporaryCredentials> {
  return spec.kind === 'session'
    ? resolveSessionCredentials(shared, spec.session, { ...options, askedFor: spec.profile })
    : resolveRoleCredentials(shared, spec.role, options);
}
