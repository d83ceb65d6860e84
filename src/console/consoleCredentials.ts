/**
 * Temporary credentials the console accepts, for a profile, without a new MFA code while the
 * profile's MFA session lasts. The console takes only role credentials and federated-user
 * credentials (GetFederationToken); it refuses an MFA session from GetSessionToken.
 *
 * role profile      AssumeRole signed with the MFA session, for this console session alone (not
 *                   cached): role chaining, so at most 1 hour, and the federation endpoint refuses
 *                   SessionDuration for such credentials; the console session lasts as long as they do.
 * key profile       GetFederationToken, which AWS accepts only signed with the long-term key (not
 *                   with an MFA session), with a session policy that allows everything: the console
 *                   session can do what the user's own policies allow, and no more, carries no MFA
 *                   context, and (as a federated user) cannot switch to a role that needs MFA.
 *                   rolegate still asks for the day's MFA code first, as for every use of the key.
 */
import type { SharedProfiles } from '../config/profiles.js';
import type { RolegateSpec, RoleSpec, SessionSpec } from '../config/profileSpec.js';
import type { ResolveOptions } from '../credentials/resolveCredentials.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { badInput, UserError } from '../userError.js';

export const MIN_CONSOLE_SECONDS = 900;
export const DEFAULT_CONSOLE_SECONDS = 3600;
/** AWS caps a role assumed with temporary credentials (an MFA session included) at 1 hour. */
export const MAX_CHAINED_ROLE_SECONDS = 3600;
/** GetFederationToken with an IAM user's key: 900 s to 36 h. */
export const MAX_FEDERATED_SECONDS = 129_600;

export interface ConsoleCredentials {
  credentials: TemporaryCredentials;
  kind: 'role' | 'federated-user';
  /** The ARN whose partition decides the endpoints (role ARN, else the MFA device's). */
  arn: string;
}

export function consoleSeconds(spec: RolegateSpec, requested: number | undefined): number {
  const seconds = requested ?? DEFAULT_CONSOLE_SECONDS;
  const max = spec.kind === 'role' ? MAX_CHAINED_ROLE_SECONDS : MAX_FEDERATED_SECONDS;
  if (seconds < MIN_CONSOLE_SECONDS || seconds > max) {
    const why =
      spec.kind === 'role'
        ? 'a role assumed with an MFA session lasts at most 1 hour (AWS role chaining)'
        : 'a federated user session lasts from 15 minutes to 36 hours';
    throw badInput(`a console session of ${seconds} s is out of range: ${why}`, `pick --duration between 15m and ${spec.kind === 'role' ? '1h' : '36h'}`);
  }
  return seconds;
}

async function stsWith(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string | undefined, env: NodeJS.ProcessEnv) {
  const [{ createStsClient }, sdk] = await Promise.all([import('../aws/clients.js'), import('@aws-sdk/client-sts')]);
  return { client: createStsClient({ credentials, region, env }), sdk };
}

function fromSdk(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): TemporaryCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error('STS returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
}

const IAM_NAME = /[^\w+=,.@-]/g;

async function roleConsoleCredentials(shared: SharedProfiles, role: RoleSpec, seconds: number, options: ResolveOptions): Promise<TemporaryCredentials> {
  const env = options.env ?? process.env;
  const { resolveSessionCredentials } = await import('../credentials/resolveCredentials.js');
  const { stsError } = await import('../credentials/stsErrors.js');
  const session = await resolveSessionCredentials(shared, role.session, { ...options, askedFor: role.profile });
  const context = { call: 'AssumeRole', profile: role.profile, roleArn: role.roleArn, keyProfile: role.session.keyProfile } as const;
  try {
    const { client, sdk } = await stsWith(session, role.region, env);
    const response = await client.send(
      new sdk.AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.roleSessionName ?? `rolegate-${role.profile}`.replace(IAM_NAME, '-').slice(0, 64),
        DurationSeconds: seconds,
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
      }),
    );
    return fromSdk(response.Credentials);
  } catch (error) {
    throw stsError(error, context, env);
  }
}

/** The session policy passed to GetFederationToken: the intersection with it is the user's own policies. */
export const ALLOW_ALL_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/** GetFederationToken's Name: 2 to 32 of [\w+=,.@-]. */
export function federatedUserName(profile: string): string {
  const name = `rolegate-${profile}`.replace(IAM_NAME, '-').slice(0, 32);
  return name;
}

async function federatedConsoleCredentials(shared: SharedProfiles, session: SessionSpec, profile: string, seconds: number, options: ResolveOptions): Promise<TemporaryCredentials> {
  const env = options.env ?? process.env;
  const [{ resolveSessionCredentials }, { loadLongTermKey }] = await Promise.all([import('../credentials/resolveCredentials.js'), import('../keys/longTermKey.js')]);
  // the day's MFA code gates every use of the key, this one too (AWS itself asks none here)
  await resolveSessionCredentials(shared, session, { ...options, askedFor: profile });
  const { key } = await loadLongTermKey(session, shared, env);
  return federationToken(key, profile, session.region, seconds, env, () => ({ call: 'GetSessionToken', keyProfile: session.keyProfile, mfaSerial: session.mfaSerial }));
}

/**
 * GetFederationToken signed with a long-term key (rolegate's store's, or a static key profile's):
 * credentials the console takes, with the user's own permissions and no MFA context.
 */
export async function federationToken(
  key: { accessKeyId: string; secretAccessKey: string },
  profile: string,
  region: string | undefined,
  seconds: number,
  env: NodeJS.ProcessEnv,
  context: () => import('../credentials/stsErrors.js').StsCallContext,
): Promise<TemporaryCredentials> {
  try {
    const { client, sdk } = await stsWith(key, region, env);
    const response = await client.send(new sdk.GetFederationTokenCommand({ Name: federatedUserName(profile), DurationSeconds: seconds, Policy: ALLOW_ALL_POLICY }));
    return fromSdk(response.Credentials);
  } catch (error) {
    const e = error as { name?: string; message?: string };
    const message = (e.message ?? String(error)).split('\n')[0] ?? '';
    if (e.name === 'AccessDenied' || e.name === 'AccessDeniedException') {
      throw new UserError(`AWS denied GetFederationToken for profile ${profile}: ${message}`, {
        cause: error,
        next: `allow the user sts:GetFederationToken (an identity policy statement with "Action": "sts:GetFederationToken", "Resource": "*"), or sign in as the role: rolegate login <role profile>`,
      });
    }
    const { stsError } = await import('../credentials/stsErrors.js');
    throw stsError(error, context(), env);
  }
}

export async function consoleCredentials(shared: SharedProfiles, spec: RolegateSpec, seconds: number, options: ResolveOptions): Promise<ConsoleCredentials> {
  if (spec.kind === 'role') {
    return { credentials: await roleConsoleCredentials(shared, spec.role, seconds, options), kind: 'role', arn: spec.role.roleArn };
  }
  return { credentials: await federatedConsoleCredentials(shared, spec.session, spec.profile, seconds, options), kind: 'federated-user', arn: spec.session.mfaSerial };
}
