/**
 * `rolegate verify`: the guide's test step, automated. It creates nothing: writes are probed with
 * EC2 DryRun and IAM's policy simulator; the MFA requirement is read from the policy documents.
 */
import { GetCallerIdentityCommand, AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { ListMFADevicesCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { createStsClient, type ClientOptions } from '../aws/clients.js';
import { createIamClient } from '../aws/iamClient.js';
import { readSharedProfiles } from '../config/profiles.js';
import { describeGap, identityPolicyMfaGaps, trustPolicyMfaGaps } from '../audit/mfaRequirement.js';
import { createEc2Client } from './ec2Client.js';
import { isAwsTransientError, spendsMfaCode } from '../aws/networkErrors.js';
import { codeFromCommand, codeFromPerson, type MfaCodeFor, type SpentMfaCode } from '../credentials/mfaCode.js';
import { withMfaDevice } from '../credentials/mfaWindow.js';
import { roleTrustPolicy, userIdentityPolicies } from './iamDocuments.js';
import { errorSummary, MFA_ABSENT_CONTEXT, probeEc2Read, probeEc2Write, simulate } from './probes.js';
import { adminTarget, readOnlyCredentials } from './verifyProfiles.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  reason: string;
}

export interface VerifyOptions {
  profile: string;
  adminProfile: string;
  /** Command printing a current MFA code; else the profile's mfa_process; else the terminal. */
  mfaCodeCommand?: string;
  env?: NodeJS.ProcessEnv;
}

export interface VerifyReport {
  ok: boolean;
  profile: string;
  adminProfile: string;
  userArn?: string;
  roleArn?: string;
  checks: CheckResult[];
}

export const CHECKS = {
  identity: 'read-only profile is an IAM user',
  read: 'read-only profile can read',
  write: 'read-only profile cannot write',
  writeSimulated: 'policy simulator: read-only user cannot write',
  mfaDevice: 'MFA device present and enabled',
  elevation: 'admin profile with MFA yields the role',
  adminWrite: 'admin role can write',
  trustMfa: 'role trust policy requires MFA',
  userMfa: "user's policies allow the role only with MFA",
  roleSimulated: 'policy simulator: role denied without MFA',
} as const;
export type CheckId = keyof typeof CHECKS;

const SIMULATED_WRITES = ['ec2:RunInstances', 's3:CreateBucket', 'iam:CreateUser', 'iam:AttachUserPolicy'];

/** A simulator the endpoint does not offer is a skip; one that could not be reached is a check that did not run: a failure. */
function simulatorUnavailable(result: { reason: string; unreachable?: boolean }): [CheckStatus, string] {
  return result.unreachable ? ['fail', `could not run: ${result.reason}`] : ['skip', `simulator unavailable: ${result.reason}`];
}

function nameFromArn(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

/**
 * The code for the elevation probe, for a TOTP window whose code has not gone to AWS yet
 * (`usedWindow`, mfaWindow.ts). After `spent` went out in a request whose answer never came (AWS
 * may have used it up, and takes each code once), a new one: the command is run again once its
 * 30 s window has turned, the person is asked again, told why; the spent code is never returned.
 */
async function mfaCode(options: VerifyOptions, target: ReturnType<typeof adminTarget>, env: NodeJS.ProcessEnv, usedWindow: number | undefined, spent?: SpentMfaCode): Promise<MfaCodeFor> {
  const command = options.mfaCodeCommand ?? target.mfaProcess;
  if (command) {
    if (!options.mfaCodeCommand) await (await import('../config/commandSourceTrust.js')).assertCommandSourceTrusted('mfa_process', env);
    return codeFromCommand(command, env, { usedWindow, spent, label: 'the code command', onNotice: (message) => process.stderr.write(`rolegate verify: ${message}\n`) });
  }
  const { terminalAvailable, promptMfaCodeOnTerminal } = await import('../prompt/mfaCodeTerminal.js');
  if (!terminalAvailable()) throw new Error('no MFA code source: pass --mfa-code-command CMD, set mfa_process in the profile, or run on a terminal');
  return codeFromPerson((note) => promptMfaCodeOnTerminal(target.mfaSerial ?? 'your MFA device', { label: 'rolegate verify', note: note ? `${note} ` : undefined }), env, { usedWindow, spent });
}

export async function runVerify(options: VerifyOptions): Promise<VerifyReport> {
  const env = options.env ?? process.env;
  const results = new Map<CheckId, CheckResult>();
  const set = (id: CheckId, status: CheckStatus, reason: string) => results.set(id, { id, title: CHECKS[id], status, reason });
  const skipRest = (reason: string) => {
    for (const id of Object.keys(CHECKS) as CheckId[]) if (!results.has(id)) set(id, 'skip', reason);
  };
  const report = (extra: Partial<VerifyReport> = {}): VerifyReport => {
    const checks = (Object.keys(CHECKS) as CheckId[]).map((id) => results.get(id)!);
    return { ok: checks.every((c) => c.status !== 'fail'), profile: options.profile, adminProfile: options.adminProfile, checks, ...extra };
  };

  const shared = await readSharedProfiles(env);
  const readOnly = await readOnlyCredentials(shared, options.profile, env);
  const target = adminTarget(shared, options.adminProfile, options.profile);
  const readOnlyClient: ClientOptions = readOnly.credentials ? { credentials: readOnly.credentials, env } : { profile: options.profile, env };

  // 1. who the read-only key is
  let userArn: string;
  try {
    const identity = await createStsClient(readOnlyClient).send(new GetCallerIdentityCommand({}));
    userArn = identity.Arn ?? '';
  } catch (error) {
    set('identity', 'fail', `sts:GetCallerIdentity with ${readOnly.source} failed: ${errorSummary(error)}`);
    skipRest(`needs a working read-only profile (${CHECKS.identity})`);
    return report();
  }
  if (!/^arn:[^:]+:iam::\d{12}:user\//.test(userArn)) {
    const what = /:root$/.test(userArn) ? 'the account root user' : 'not an IAM user';
    set('identity', 'fail', `${readOnly.source} is ${userArn} (${what}); the everyday key must belong to the read-only IAM user`);
  } else {
    set('identity', 'pass', `${readOnly.source} is ${userArn}`);
  }
  const userName = nameFromArn(userArn);
  const roleArn = target.roleArn;

  // 2-3. read works, write is denied
  const ec2 = createEc2Client(readOnlyClient);
  const read = await probeEc2Read(ec2);
  set('read', read.ok ? 'pass' : 'fail', read.detail);
  const write = await probeEc2Write(ec2);
  if (write.outcome === 'denied') set('write', 'pass', `denied: ${write.detail}`);
  else if (write.outcome === 'allowed') set('write', 'fail', `allowed: ${write.detail}; the everyday key can change the account`);
  else set('write', 'fail', `could not tell: ${write.detail}`);

  const iam: IAMClient = createIamClient(readOnlyClient);
  const simulatedWrites = await simulate(iam, userArn, SIMULATED_WRITES);
  if (!simulatedWrites.available) set('writeSimulated', ...simulatorUnavailable(simulatedWrites));
  else {
    const allowed = simulatedWrites.decisions.filter((d) => d.decision === 'allowed').map((d) => d.action);
    set('writeSimulated', allowed.length ? 'fail' : 'pass', allowed.length ? `allowed: ${allowed.join(', ')}` : `denied: ${SIMULATED_WRITES.join(', ')}`);
  }

  // 4. the MFA device
  let adminIam: IAMClient | undefined;
  try {
    const { MFADevices = [] } = await iam.send(new ListMFADevicesCommand({ UserName: userName }));
    const serials = MFADevices.map((d) => d.SerialNumber ?? '');
    if (serials.length === 0) set('mfaDevice', 'fail', `user ${userName} has no enabled MFA device`);
    else if (target.mfaSerial && !serials.includes(target.mfaSerial))
      set('mfaDevice', 'fail', `profile ${options.adminProfile} names ${target.mfaSerial}, but ${userName}'s enabled devices are ${serials.join(', ')}`);
    else set('mfaDevice', 'pass', `${serials.join(', ')} enabled for ${userName}`);
  } catch (error) {
    set('mfaDevice', 'fail', `iam:ListMFADevices failed: ${errorSummary(error)}`);
  }

  // 5-6. elevation with MFA, and the role can write
  if (!roleArn) {
    set('elevation', 'fail', `profile ${options.adminProfile} has no role_arn (or rolegate_role_arn)`);
    set('adminWrite', 'skip', `needs ${CHECKS.elevation}`);
  } else if (!target.mfaSerial) {
    set('elevation', 'fail', `profile ${options.adminProfile} has no mfa_serial, so the role would be assumed without MFA`);
    set('adminWrite', 'skip', `needs ${CHECKS.elevation}`);
  } else {
    let roleCredentials: AwsCredentialIdentity | undefined;
    try {
      // the role is assumed from the admin profile's source profile (normally the read-only one)
      let sourceClient = readOnlyClient;
      if (target.sourceProfile && target.sourceProfile !== options.profile) {
        const source = await readOnlyCredentials(shared, target.sourceProfile, env);
        sourceClient = source.credentials ? { credentials: source.credentials, env } : { profile: target.sourceProfile, env };
      }
      // the code is used once: the SDK resends only after failures before AWS read the request;
      // after a lost answer the probe is made once more, with a fresh code
      const sts: STSClient = createStsClient({ ...sourceClient, carriesMfaCode: true });
      const assume = (code: string) =>
        sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rolegate-verify', SerialNumber: target.mfaSerial, TokenCode: code, DurationSeconds: 900 }));
      const serial = target.mfaSerial;
      const assumed = await withMfaDevice(serial, env, async (device) => {
        const send = async (spent?: SpentMfaCode) => {
          const { code, window } = await mfaCode(options, target, env, device.usedWindow, spent);
          try {
            const answer = await assume(code);
            await device.markUsed(window);
            return answer;
          } catch (error) {
            // AWS may have taken the code, unless it surely never read the request
            if (!isAwsTransientError(error) || error.mayHaveRun) await device.markUsed(window);
            if (!spent && spendsMfaCode(error)) return send({ code, reason: error.message });
            throw error;
          }
        };
        return send();
      });
      const c = assumed.Credentials!;
      roleCredentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
      const identity = await createStsClient({ credentials: roleCredentials, env }).send(new GetCallerIdentityCommand({}));
      const expected = `:assumed-role/${nameFromArn(roleArn)}/`;
      if (identity.Arn?.includes(expected)) set('elevation', 'pass', `AssumeRole with ${target.mfaSerial} gave ${identity.Arn}`);
      else set('elevation', 'fail', `AssumeRole gave ${identity.Arn}, not a session of ${roleArn}`);
    } catch (error) {
      set('elevation', 'fail', `AssumeRole ${roleArn} with MFA failed: ${error instanceof Error && !('$metadata' in error) ? error.message : errorSummary(error)}`);
    }
    if (roleCredentials) {
      adminIam = createIamClient({ credentials: roleCredentials, env });
      const adminWrite = await probeEc2Write(createEc2Client({ credentials: roleCredentials, env }));
      if (adminWrite.outcome === 'allowed') set('adminWrite', 'pass', adminWrite.detail);
      else set('adminWrite', 'fail', `${adminWrite.outcome}: ${adminWrite.detail}`);
    } else if (!results.has('adminWrite')) set('adminWrite', 'skip', `needs ${CHECKS.elevation}`);
  }

  // 7-8. the MFA requirement, read from the documents (with the role's rights if the user cannot read IAM)
  if (!roleArn) {
    skipRest(`needs a role_arn in profile ${options.adminProfile}`);
    return report({ userArn });
  }
  const withFallback = async <T>(read: (client: IAMClient) => Promise<T>): Promise<T> => {
    try {
      return await read(iam);
    } catch (error) {
      if (!adminIam) throw error;
      return read(adminIam);
    }
  };
  try {
    const trust = await withFallback((c) => roleTrustPolicy(c, nameFromArn(roleArn)));
    const gaps = trustPolicyMfaGaps(trust);
    if (gaps.length === 0) set('trustMfa', 'pass', `every statement allowing sts:AssumeRole on ${nameFromArn(roleArn)} requires aws:MultiFactorAuthPresent`);
    else set('trustMfa', 'fail', gaps.map(describeGap).join('; '));
  } catch (error) {
    set('trustMfa', 'fail', `could not read the trust policy of ${roleArn}: ${errorSummary(error)}`);
  }
  try {
    const policies = await withFallback((c) => userIdentityPolicies(c, userName));
    const gaps = identityPolicyMfaGaps(policies, roleArn);
    if (gaps.length === 0) {
      const grants = policies.length ? policies.map((p) => p.name).join(', ') : 'none';
      set('userMfa', 'pass', `no policy of ${userName} allows sts:AssumeRole on the role without MFA (policies: ${grants})`);
    } else set('userMfa', 'fail', gaps.map(describeGap).join('; '));
  } catch (error) {
    set('userMfa', 'fail', `could not read ${userName}'s policies: ${errorSummary(error)}`);
  }
  // one unavailable answer (not allowed, or not implemented) is enough: do not ask twice
  const simulated = simulatedWrites.available
    ? await simulate(iam, userArn, ['sts:AssumeRole'], { resourceArns: [roleArn], context: MFA_ABSENT_CONTEXT })
    : simulatedWrites;
  if (!simulated.available) set('roleSimulated', ...simulatorUnavailable(simulated));
  else {
    const allowed = simulated.decisions.some((d) => d.decision === 'allowed');
    set('roleSimulated', allowed ? 'fail' : 'pass', `sts:AssumeRole with aws:MultiFactorAuthPresent=false: ${simulated.decisions.map((d) => d.decision).join(', ')}`);
  }
  return report({ userArn, roleArn });
}
