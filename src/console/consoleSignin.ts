/** `rolegate login` below the CLI: credentials the console accepts → sign-in token → sign-in URL. */
import { readSharedProfiles } from '../config/profiles.js';
import { describeProfile } from '../config/profileSpec.js';
import type { ResolveOptions } from '../credentials/resolveCredentials.js';
import { badInput, UserError } from '../userError.js';
import { resolveSpec, sourceFor } from '../sources/dispatch.js';
import { consoleCredentials, consoleSeconds, DEFAULT_CONSOLE_SECONDS, federationToken, MAX_FEDERATED_SECONDS, MIN_CONSOLE_SECONDS } from './consoleCredentials.js';
import { requestSigninToken } from './federation.js';
import { consolePartition, REGION_PATTERN } from './partition.js';
import { destinationUrl, signinUrl } from './signinUrl.js';

export interface ConsoleSigninRequest {
  profile: string;
  region?: string;
  destination?: string;
  durationSeconds?: number;
}

export interface ConsoleSignin {
  /** Secret until it is used or 15 minutes have passed. */
  url: string;
  /** role: a role session; federated-user: GetFederationToken; profile: the profile's own temporary credentials. */
  kind: 'role' | 'federated-user' | 'profile';
  partition: string;
  /** When the console session ends (the credentials' expiration). */
  sessionEnds: Date;
}

export async function consoleSignin(request: ConsoleSigninRequest, options: ResolveOptions): Promise<ConsoleSignin> {
  const env = options.env ?? process.env;
  const shared = await readSharedProfiles(env);
  const spec = describeProfile(shared, request.profile);
  const region = request.region ?? spec.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region !== undefined && !REGION_PATTERN.test(region)) throw badInput(`not a region name: ${region}`, 'write it like us-east-1 or eu-west-2');
  const use = (await sourceFor(spec)).console(spec as never);
  if (use.kind === 'refuse') throw new UserError(use.reason, { next: use.next });
  if (use.kind === 'rolegate' && (spec.kind === 'session' || spec.kind === 'role')) {
    const seconds = consoleSeconds(spec, request.durationSeconds);
    // everything that can be checked is checked before the first AWS call
    const partition = consolePartition(spec.kind === 'role' ? spec.role.roleArn : spec.session.mfaSerial, region);
    const destination = destinationUrl(partition, region, request.destination);
    const made = await consoleCredentials(shared, spec, seconds, options);
    const token = await requestSigninToken(partition, made.credentials, { env });
    return { url: signinUrl(partition, token, destination), kind: made.kind, partition: partition.id, sessionEnds: made.credentials.expiration };
  }
  if (use.kind === 'federation-token' && spec.kind === 'static') {
    // a static long-term key: the console takes no long-term key, so a federated user from it
    const seconds = request.durationSeconds ?? DEFAULT_CONSOLE_SECONDS;
    if (seconds < MIN_CONSOLE_SECONDS || seconds > MAX_FEDERATED_SECONDS) {
      throw badInput(`a console session of ${seconds} s is out of range: a federated user session lasts from 15 minutes to 36 hours`, 'pick --duration between 15m and 36h');
    }
    const partition = consolePartition('', region);
    const destination = destinationUrl(partition, region, request.destination);
    const { staticCredentials } = await import('../sources/staticSource.js');
    const key = staticCredentials(shared, spec);
    const made = await federationToken({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, spec.profile, region, seconds, env, () => ({ call: 'AssumeRole', profile: spec.profile, roleArn: 'GetFederationToken', keyProfile: spec.profile }));
    const token = await requestSigninToken(partition, made, { env });
    return { url: signinUrl(partition, token, destination), kind: 'federated-user', partition: partition.id, sessionEnds: made.expiration };
  }
  if (use.kind !== 'federate') throw new UserError(`rolegate cannot sign profile ${spec.profile} in to the console yet`, { next: `sign in as a role profile: rolegate login <role profile>` });
  if (request.durationSeconds !== undefined) {
    throw badInput(`a console session from profile ${spec.profile} lasts as long as its credentials; --duration applies to rolegate's own key and role profiles`, `run rolegate login ${spec.profile} without --duration`);
  }
  const partition = consolePartition(use.arn ?? '', region);
  const destination = destinationUrl(partition, region, request.destination);
  const credentials = await resolveSpec(spec, shared, options);
  const token = await requestSigninToken(partition, credentials, { env });
  return { url: signinUrl(partition, token, destination), kind: 'profile', partition: partition.id, sessionEnds: credentials.expiration };
}
