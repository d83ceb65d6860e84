/**
 * Credentials of the admin role, which does the rotation. Why the admin role and not the user
 * itself: the key on the laptop stays strictly read-only (no iam:*AccessKey* permission on the
 * read-only user, nothing added to setup's policies); rotating costs one MFA code, usually already
 * cached for the day.
 *
 * Fallback chain (until the shared MFA session/role chain of src/credentials/ can be reused here):
 * AssumeRole on the admin profile's role with the stored long-term key, SerialNumber and a code from
 * --mfa-code-command, the profile's mfa_process, or the terminal.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { createStsClient } from '../aws/clients.js';
import { UserError } from '../userError.js';
import type { LongTermKey } from './rotation.js';

export interface AdminCredentialOptions {
  adminProfile: string;
  /** The profile whose stored key is the chain's source (the read-only user's). */
  sourceProfile: string;
  sourceKey: LongTermKey;
  mfaCodeCommand?: string;
  env: NodeJS.ProcessEnv;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export async function adminRoleCredentials(options: AdminCredentialOptions): Promise<AwsCredentialIdentity> {
  const { readSharedProfiles, resolveProfile } = await import('../config/profiles.js');
  const shared = await readSharedProfiles(options.env);
  const admin = resolveProfile(shared, options.adminProfile);
  const source = resolveProfile(shared, options.sourceProfile);
  const roleArn = text(admin?.role_arn) ?? text(admin?.rolegate_role_arn);
  if (!admin || !roleArn) {
    throw new UserError(`profile ${options.adminProfile} is not the admin role profile (it has no role_arn)`, {
      next: 'name the admin profile with --admin-profile (rolegate setup writes it as "admin")',
    });
  }
  const serial = text(admin.mfa_serial) ?? text(source?.mfa_serial);
  if (!serial) {
    throw new UserError(`profile ${options.adminProfile} has no mfa_serial; the admin role needs MFA`, {
      next: `set it: rolegate config set ${options.adminProfile} mfa_serial arn:aws:iam::ACCOUNT:mfa/USER`,
    });
  }
  const command = options.mfaCodeCommand ?? text(admin.mfa_process) ?? text(source?.mfa_process);
  let code: string;
  if (command) {
    const { runMfaProcess } = await import('../prompt/mfaCodeProcess.js');
    code = await runMfaProcess(command, { env: options.env });
  } else {
    const { terminalAvailable, promptMfaCodeOnTerminal } = await import('../prompt/mfaCodeTerminal.js');
    if (!terminalAvailable()) {
      throw new UserError('rotate needs an MFA code for the admin role, and there is no terminal to ask on', {
        next: `pass --mfa-code-command CMD, or set mfa_process in profile ${options.adminProfile}`,
      });
    }
    code = await promptMfaCodeOnTerminal(serial, { label: `admin role, to rotate the key of profile ${options.sourceProfile}` });
  }
  const region = text(admin.region) ?? text(source?.region);
  const sts = createStsClient({ credentials: options.sourceKey, env: options.env, ...(region ? { region } : {}) });
  try {
    const response = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rolegate-rotate', SerialNumber: serial, TokenCode: code, DurationSeconds: 900 }),
    );
    const c = response.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`could not assume the admin role ${roleArn}: ${(error as Error).message}`, {
      next: 'check the MFA code and that the role trusts the user with MFA (rolegate verify)',
      cause: error,
    });
  } finally {
    sts.destroy();
  }
}
