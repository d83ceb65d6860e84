/**
 * role_arn profiles of the AWS CLI's kind (kind 'assume-role'): AssumeRole signed with the
 * credentials of the base, which is another profile of any kind (a role, so chains of any depth; a
 * static key; another tool's credential_process; SSO; a console sign-in; rolegate's own profiles),
 * resolved through the dispatch, or a credential_source (Environment, Ec2InstanceMetadata,
 * EcsContainer: hostCredentials.ts). With mfa_serial on the profile, AssumeRole carries
 * SerialNumber and a code, under the MFA device's lock and its one-code-per-window record
 * (credentials/mfaWindow.ts). duration_seconds, external_id and role_session_name are sent as set.
 *
 * The credentials go in the AWS CLI's cache (~/.aws/cli/cache/<botocore's key>.json), so the AWS
 * CLI and rolegate share them; a refresh runs under one lock per cache entry and looks again once
 * it holds it, so N callers started together cost one AssumeRole (and one code).
 */
import type { SharedProfiles } from '../config/profiles.js';
import { CHAINED_ROLE_MAX_SECONDS, DEFAULT_ROLE_SECONDS, describeProfile, type AssumeRoleSpec, type SessionSpec } from '../config/profileSpec.js';
import type { CacheKeyRole } from '../cache/awsCliCache.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { lookupRoleEntry, refreshRoleEntry, removeRoleEntry } from './awsCliRoleEntry.js';
import { UserError, isUserError } from '../userError.js';
import type { CredentialSource, ResolveOptions, SourceLookup } from './credentialSource.js';

/** botocore's cache key settings of the profile (its own mfa_serial, as the AWS CLI keys it). */
function cacheKeyRole(role: AssumeRoleSpec): CacheKeyRole {
  return { roleArn: role.roleArn, roleSessionName: role.roleSessionName, externalId: role.externalId, ownMfaSerial: role.mfaSerial, durationSeconds: role.durationSeconds };
}

function requestedSeconds(role: AssumeRoleSpec): number {
  return role.durationSeconds ?? DEFAULT_ROLE_SECONDS;
}

function lookup(role: AssumeRoleSpec, env: NodeJS.ProcessEnv, now: number, wantedMs?: number): Promise<SourceLookup> {
  // the AWS CLI's entry says nothing of its lifetime: take what this profile asks for
  return lookupRoleEntry(cacheKeyRole(role), requestedSeconds(role), env, now, wantedMs);
}

/** A UserError from a link below, said for the profile asked for: which link failed, and its next step. */
function fromLink(role: AssumeRoleSpec, base: string, error: unknown): unknown {
  if (!isUserError(error) || error.message.startsWith(`profile ${role.profile} `)) return error;
  return new UserError(`profile ${role.profile} takes its credentials from ${base}, which failed: ${error.message}`, { exitCode: error.exitCode, next: error.next, cause: error });
}

/** The base's credentials, good for the one AssumeRole call to come. */
async function baseCredentials(role: AssumeRoleSpec, shared: SharedProfiles, options: ResolveOptions): Promise<TemporaryCredentials> {
  const base = role.base;
  if (base.kind === 'credential_source') {
    try {
      const { hostCredentials } = await import('./hostCredentials.js');
      return await hostCredentials(base.name, options.env ?? process.env);
    } catch (error) {
      if (isUserError(error)) throw error;
      throw new UserError(`profile ${role.profile}: credential_source ${base.name} gave no credentials (${(error as Error).message})`, {
        cause: error,
        next:
          base.name === 'Environment'
            ? 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment'
            : `run where ${base.name === 'EcsContainer' ? 'the ECS container credentials endpoint' : 'the EC2 instance metadata service'} answers, or use source_profile instead`,
      });
    }
  }
  const { resolveSpec } = await import('./dispatch.js');
  try {
    if (base.profile === role.profile) {
      // source_profile = itself: the profile's own static key, as botocore allows
      const { staticCredentials } = await import('./staticSource.js');
      return staticCredentials(shared, { kind: 'static', profile: role.profile, static: { profile: role.profile, keyFile: shared.credentials.get(role.profile) ? 'credentials' : 'config', hasSessionToken: false } });
    }
    const spec = describeProfile(shared, base.profile);
    // the base has only to be valid for this one call
    return await resolveSpec(spec, shared, { ...options, wantedMs: undefined });
  } catch (error) {
    throw fromLink(role, `profile ${base.profile}`, error);
  }
}

function roleSessionName(role: AssumeRoleSpec): string {
  return role.roleSessionName ?? `rolegate-${role.profile}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

async function assume(role: AssumeRoleSpec, shared: SharedProfiles, options: ResolveOptions) {
  const env = options.env ?? process.env;
  const base = await baseCredentials(role, shared, options);
  let seconds = requestedSeconds(role);
  if (!base.noExpiry && seconds > CHAINED_ROLE_MAX_SECONDS) {
    // AWS limits a role assumed with temporary credentials to 1 hour (role chaining)
    options.onWarning?.(`duration_seconds ${seconds} of profile ${role.profile} is capped at ${CHAINED_ROLE_MAX_SECONDS}: its credentials come from temporary credentials, and AWS limits a role assumed with those to 1 hour`);
    seconds = CHAINED_ROLE_MAX_SECONDS;
  }
  const [{ createStsQuery }, { stsError }] = await Promise.all([import('../aws/stsQuery.js'), import('../credentials/stsErrors.js')]);
  const signing = { accessKeyId: base.accessKeyId, secretAccessKey: base.secretAccessKey, ...(base.sessionToken ? { sessionToken: base.sessionToken } : {}) };
  const keyProfile = role.base.kind === 'profile' ? role.base.profile : role.base.name;
  const context = { call: 'AssumeRole', profile: role.profile, roleArn: role.roleArn, keyProfile } as const;
  const input = { RoleArn: role.roleArn, RoleSessionName: roleSessionName(role), DurationSeconds: seconds, ...(role.externalId ? { ExternalId: role.externalId } : {}) };
  try {
    if (role.mfaSerial === undefined) {
      const client = createStsQuery({ credentials: signing, region: role.region, env, purpose: 'refresh' });
      return await client.assumeRole(input);
    }
    const client = createStsQuery({ credentials: signing, region: role.region, env, purpose: 'refresh', carriesMfaCode: true });
    const { sendWithMfaCode } = await import('../credentials/resolveCredentials.js');
    // the code's source: this profile's mfa_process, else a person (terminal or desktop dialog)
    const device: SessionSpec = { keyProfile: role.profile, mfaSerial: role.mfaSerial, ...(role.mfaProcess ? { mfaProcess: role.mfaProcess } : {}), ...(role.mfaPrompt ? { mfaPrompt: role.mfaPrompt } : {}), region: role.region };
    const mfaSerial = role.mfaSerial;
    return await sendWithMfaCode(device, env, { profile: role.profile, onNotice: options.onWarning, onWait: options.onWait }, client.attempts, (code) =>
      client.assumeRole({ ...input, SerialNumber: mfaSerial, TokenCode: code }),
    );
  } catch (error) {
    const said = stsError(error, context, env);
    throw said.message.includes(role.profile) ? said : new UserError(`profile ${role.profile}: ${said.message}`, { exitCode: said.exitCode, next: said.next, cause: error });
  }
}

export const roleChainSource: CredentialSource<'assume-role'> = {
  kind: 'assume-role',
  lookup: (spec, env, now, wantedMs) => lookup(spec.assumeRole, env, now, wantedMs),
  resolve(spec, shared, options) {
    const role = spec.assumeRole;
    return refreshRoleEntry(cacheKeyRole(role), requestedSeconds(role), role, options, () => assume(role, shared, options));
  },
  async status(spec, _shared, env, now) {
    const role = spec.assumeRole;
    const [found, { linkFromLookup }] = await Promise.all([lookup(role, env, now), import('./credentialSource.js')]);
    const from = role.base.kind === 'profile' ? `profile ${role.base.profile}` : `credential_source ${role.base.name}`;
    return { type: role.mfaSerial ? 'role chain with MFA' : 'role chain', from, links: [linkFromLookup('role', found, now)], ...(found.credentials ? { usable: found.credentials } : {}) };
  },
  logout: (spec, _shared, env) => removeRoleEntry(cacheKeyRole(spec.assumeRole), env),
  console: (spec) => ({ kind: 'federate', arn: spec.assumeRole.roleArn }),
  // with mfa_serial on the role, every role session takes a new code (as with the AWS CLI)
  renewal: (spec) => (spec.assumeRole.mfaSerial === undefined ? 'silently' : 'with-person'),
};

