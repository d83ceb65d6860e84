/**
 * The interface every credential source implements: one module per kind of profile in
 * `src/sources/` (rolegateSource.ts for rolegate's own key and role profiles, and one each for
 * static keys, role_arn chains, another tool's credential_process, IAM Identity Center and console
 * sign-in), the way the SDK's credential-provider-* packages are laid out. Every command reaches a
 * source through the dispatch (dispatch.ts: `sourceFor(spec)`), never directly:
 *
 *   config/profileSpec.ts describeProfile(shared, profile) → CredentialSpec (one variant per kind)
 *   sources/dispatch.ts   sourceFor(spec) → the CredentialSource of spec.kind (loaded lazily)
 *   credential-process, env, exec (and its renewing endpoint), terraform → lookup, then resolve
 *   status → status; logout → logout; console login → console, then resolve
 *
 * A module exports one `const <kind>Source: CredentialSource<'<kind>'>` (ssoSource, loginSource,
 * ...). Keep this interface small and stable: sources are written by people who cannot change it.
 */
import type { SharedProfiles } from '../config/profiles.js';
import type { CredentialSpec } from '../config/profileSpec.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import type { ResolveOptions } from '../credentials/resolveCredentials.js';

export type { ResolveOptions, TemporaryCredentials };

/** Every kind of profile rolegate serves. */
export type SourceKind = CredentialSpec['kind'];
/** The spec of one kind (what describeProfile read from the shared files for it). */
export type SpecOf<K extends SourceKind> = Extract<CredentialSpec, { kind: K }>;

/** What a source's cache holds for a profile, read without a prompt, a lock or a network call. */
export interface SourceLookup {
  /**
   * Present only when fresh: more than `wantedMs` left (15 minutes when not given), or two thirds
   * of the credentials' lifetime when that is less (`requiredRemainingMs` in cache/temporaryCredentials.cts).
   */
  credentials?: TemporaryCredentials;
  /** The time that had to be left for `credentials` to be served (requiredRemainingMs's answer). */
  requiredMs?: number;
  /** The lifetime `requiredMs` was reckoned from, when known. */
  lifetimeMs?: number;
  /** What was found, fresh or not (for status and for "your session expired at ..." messages). */
  found?: TemporaryCredentials;
  /**
   * The file that holds (or would hold) these credentials as JSON with a top-level
   * `"Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}` (rolegate's
   * session cache and the AWS CLI's ~/.aws/cli/cache both have that shape). The shortcut note points
   * at it, so the next credential-process, env or exec is answered from it by the CommonJS fast path
   * (cli/fromCache.cts) without loading any source. Leave it out when no such file exists: then
   * there is no shortcut, and every call takes the full path through `lookup`.
   */
  path?: string;
  /** Damaged or refused cache files that were ignored, one line each (shown as warnings). */
  warnings: string[];
}

export type CacheState = 'valid' | 'renewing-soon' | 'expired' | 'none';

/** One cached thing behind a profile (a token, a session, role credentials), for `rolegate status`. */
export interface LinkStatus {
  /** What it is, for people: 'MFA session', 'role', 'SSO token', 'console sign-in', ... */
  name: string;
  state: CacheState;
  expiresAt?: string;
  secondsLeft?: number;
  /** Where it is cached, when it is a file. */
  cacheFile?: string;
  warnings: string[];
}

/** What `rolegate status` shows for one profile. Read from caches only: no prompt, no sign-in, no STS call. */
export interface SourceStatus {
  /** The TYPE column: what the profile is, e.g. 'sso', 'console sign-in', 'role chain', 'static key'. */
  type: string;
  /** Where its credentials come from (the KEY IN column): e.g. 'sso-session work', 'aws login', 'profile base'. */
  from: string;
  /** What is cached, the sign-in or session first and the credentials handed out last; may be empty. */
  links: LinkStatus[];
  /** Fresh credentials status may use to ask STS who they are (never printed). */
  usable?: TemporaryCredentials;
}

/**
 * What console `rolegate login` may do with a profile of this kind.
 *   federate          resolve() gives temporary credentials the federation endpoint accepts (role
 *                     credentials, an SSO role's, a console sign-in's): getSigninToken with them;
 *                     the console session lasts as long as they do. `arn` (any ARN of the identity)
 *                     picks the partition's sign-in endpoint; without it, the region's partition.
 *   federation-token  the profile holds a long-term key: GetFederationToken signed with it (the
 *                     console takes no long-term key), as console/consoleCredentials.ts does.
 *   rolegate          rolegate's own key and role profiles: console/consoleCredentials.ts's flows.
 *   refuse            no console sign-in from this profile: why, and what to do instead.
 */
export type ConsoleUse =
  | { kind: 'federate'; arn?: string }
  | { kind: 'federation-token' }
  | { kind: 'rolegate' }
  | { kind: 'refuse'; reason: string; next: string };

export type Renewal = 'silently' | 'with-person';

export interface CredentialSource<K extends SourceKind> {
  /** The CredentialSpec kind this module serves. */
  readonly kind: K;

  /**
   * Fresh credentials for the profile, with at least `options.wantedMs` left (15 minutes when not
   * given; see SourceLookup.credentials): from this source's cache when they are there, else
   * obtained (a sign-in, an STS call, a command) and written to the cache. A refresh runs under
   * the source's own cross-process lock per cache entry (files/refreshLock.ts `withLock` on
   * files/rolegatePaths.cts `lockFile(NAME)`), and looks in the cache again once it holds it, so N
   * callers started together cost one prompt or browser sign-in and one call. Every wait is bounded
   * and said through `options.onWait`; warnings go to `options.onWarning`, never to stdout.
   * Failures are UserErrors that name `spec.profile`, what failed and the next step, and never hold
   * a secret. `shared` is the parsed config and credentials files, for what the spec does not hold.
   */
  resolve(spec: SpecOf<K>, shared: SharedProfiles, options: ResolveOptions): Promise<TemporaryCredentials>;

  /**
   * The cache lookup behind the fast path and status: what the cache holds for the profile, with
   * `credentials` only when fresh for `wantedMs` at `now`. Never prompts, locks or calls AWS.
   */
  lookup(spec: SpecOf<K>, env: NodeJS.ProcessEnv, now: number, wantedMs?: number): Promise<SourceLookup>;

  /** What `rolegate status` shows for the profile (caches only; see SourceStatus). */
  status(spec: SpecOf<K>, shared: SharedProfiles, env: NodeJS.ProcessEnv, now: number): Promise<SourceStatus>;

  /**
   * What `rolegate logout PROFILE` removes for this profile's own link: the temporary credentials
   * (and tokens) rolegate or the AWS CLI cached for it, never a long-term key or a refresh token
   * another profile still needs unless that is what logging out of it means. Returns the paths
   * removed. (The links below a role chain are logged out through their own sources.)
   */
  logout(spec: SpecOf<K>, shared: SharedProfiles, env: NodeJS.ProcessEnv): Promise<string[]>;

  /** What console `rolegate login` may do with this profile (see ConsoleUse). */
  console(spec: SpecOf<K>): ConsoleUse;

  /**
   * How the credentials are renewed once they expire, for what env and exec say: 'silently' (from
   * a longer session or token rolegate holds, e.g. role credentials from the MFA session or an SSO
   * token) or 'with-person' (a new MFA code or sign-in is needed); a function when it depends on
   * the profile.
   */
  readonly renewal: Renewal | ((spec: SpecOf<K>) => Renewal);

  /**
   * When the session behind the credentials ends (an MFA session, an SSO token, a console
   * sign-in), for ROLEGATE_EXPIRATION while exec's endpoint renews; absent: the credentials' own.
   */
  sessionEnds?(spec: SpecOf<K>, env: NodeJS.ProcessEnv): Promise<Date | undefined>;
}

/** A LinkStatus from a lookup (what a source's status usually returns for each cached link). */
export function linkFromLookup(name: string, lookup: SourceLookup, now: number, renewWindowMs = 15 * 60_000): LinkStatus {
  const found = lookup.found;
  const file = lookup.path === undefined ? {} : { cacheFile: lookup.path };
  if (!found) return { name, state: 'none', ...file, warnings: lookup.warnings };
  const left = found.expiration.getTime() - now;
  const state: CacheState = left <= 0 ? 'expired' : left <= renewWindowMs ? 'renewing-soon' : 'valid';
  return { name, state, expiresAt: found.expiration.toISOString(), secondsLeft: Math.max(0, Math.floor(left / 1000)), ...file, warnings: lookup.warnings };
}
