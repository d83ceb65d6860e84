/**
 * The hourly role refresh of `credential-process PROFILE`: the role's credentials have run out (or
 * are gone) while the MFA session that signs AssumeRole is still fresh. Started by main.cts when
 * the shortcut note (cache/credentialProcessShortcut.cts) records the role (`refresh`) and the
 * config files and variables are as they were, it assumes the role from what the note says,
 * without the profile parser or the source dispatch: the same role lookup, lock, AssumeRole
 * (aws/stsQuery.ts), error messages (stsErrors.ts), role entry and note as the full path
 * (credentials/roleCredentials.ts is shared with it). In the bundle, a small CommonJS file of its
 * own (roleRefresh.cjs), read through the V8 code cache.
 *
 * Anything it is not sure of returns undefined before a request is sent, and main.cts takes the
 * full path, which then decides and says everything: a proxy variable, a damaged role entry or
 * one in another place, an MFA session that is not fresh (or has under a minute of freshness left),
 * and an MFA session that is no longer fresh once the lock is held.
 */
import { leaveShortcut, type FileStamp, type RoleRefreshNote } from '../cache/credentialProcessShortcut.cjs';
import { credentialProcessLine, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { lookupRole, lookupSession } from '../cache/cachedCredentials.js';
import type { RoleSpec } from '../config/profileSpec.js';
import { assumeWithSessionCredentials, refreshRole, type RoleRefreshOptions } from '../credentials/roleCredentials.js';
import { PROXY_VARIABLES } from '../aws/callSettings.js';
import { writeOut } from './writeOut.cjs';

/** What main.cts found in the note (credentialProcessShortcut.cts's roleRefreshNote). */
export interface RoleRefreshStart {
  profile: string;
  refresh: RoleRefreshNote;
  /** The role entry the note names. */
  cacheFile: string;
  /** The config and credentials files' stamps, as the note has them and they still are. */
  files: FileStamp[];
}

/** An MFA session with less freshness left than this is left to the full path. */
const SESSION_MARGIN_MS = 60_000;
const FULL_PATH = Symbol('take the full path');

function roleOf(profile: string, r: RoleRefreshNote): RoleSpec {
  return {
    profile,
    layout: 'store',
    chain: 'session',
    roleArn: r.roleArn,
    mfaSerial: r.mfaSerial,
    ...(r.durationSeconds !== null ? { durationSeconds: r.durationSeconds } : {}),
    ...(r.roleSessionName !== null ? { roleSessionName: r.roleSessionName } : {}),
    ...(r.externalId !== null ? { externalId: r.externalId } : {}),
    ...(r.region !== null ? { region: r.region } : {}),
    session: { keyProfile: r.keyProfile, mfaSerial: r.mfaSerial },
  };
}

/** The exit code of credential-process (its answer or failure written), or undefined: take the full path. */
export async function refreshRoleFromNote(start: RoleRefreshStart, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  // the proxy is read from the process's environment (aws/callSettings.ts)
  if (PROXY_VARIABLES.some((name) => process.env[name] || env[name])) return undefined;
  const { profile } = start;
  const role = roleOf(profile, start.refresh);
  let cached: Awaited<ReturnType<typeof lookupRole>>;
  try {
    cached = await lookupRole(role, env, Date.now());
    if (cached.warnings.length > 0 || cached.path !== start.cacheFile) return undefined;
    const session = await lookupSession(role.session, env, Date.now() + SESSION_MARGIN_MS);
    if (!session.credentials || session.warnings.length > 0) return undefined;
  } catch {
    return undefined; // not expected (the lookups say what they cannot read): the full path says what it is
  }
  const options: RoleRefreshOptions = {
    env,
    onWait: (pid) => writeOut(2, `rolegate: waiting for another rolegate process (pid ${pid}) that is refreshing these credentials\n`),
    onWarning: (message) => writeOut(2, `rolegate: warning: ${message}\n`),
  };
  let credentials: TemporaryCredentials;
  try {
    credentials = await refreshRole(role, options, async () => {
      // under the role's lock, as the full path looks for the session it signs with
      const signing = await lookupSession(role.session, env, Date.now());
      if (!signing.credentials) throw FULL_PATH;
      return assumeWithSessionCredentials(role, signing.credentials, options);
    }, cached);
  } catch (error) {
    if (error === FULL_PATH) return undefined;
    const { failWith } = await import('./credentialProcessFailure.js');
    return failWith(error, false);
  }
  await leaveShortcut(profile, env, start.files, { ...cached, path: cached.path }, credentials, { region: role.region, kind: 'role', refresh: start.refresh });
  writeOut(1, credentialProcessLine(credentials));
  return 0;
}
