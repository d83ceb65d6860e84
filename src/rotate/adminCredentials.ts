/**
 * Credentials of the admin role, which does the rotation. Why the admin role and not the user
 * itself: the key on the laptop stays strictly read-only (no iam:*AccessKey* permission on the
 * read-only user, nothing added to setup's policies); rotating costs one MFA code, usually already
 * cached for the day. The chain is the everyday one (src/credentials/): cached role credentials, else
 * the cached MFA session, else the stored key with a code from mfa_process or the terminal.
 */
import { UserError } from '../userError.js';
import type { TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

export interface AdminCredentialOptions {
  adminProfile: string;
  /** Overrides the profile's mfa_process when a new MFA code is needed. */
  mfaCodeCommand?: string;
  env: NodeJS.ProcessEnv;
  log(message: string): void;
}

export async function adminRoleCredentials(options: AdminCredentialOptions): Promise<TemporaryCredentials> {
  const { readSharedProfiles } = await import('../config/profiles.js');
  const { describeProfile } = await import('../config/profileSpec.js');
  const { resolveRoleCredentials } = await import('../credentials/resolveCredentials.js');
  const shared = await readSharedProfiles(options.env);
  const spec = describeProfile(shared, options.adminProfile);
  if (spec.kind !== 'role') {
    throw new UserError(`profile ${options.adminProfile} is not an admin role profile (it has no role_arn or rolegate_role_arn)`, {
      next: 'name the admin role profile with --admin-profile (rolegate setup writes it as "admin")',
    });
  }
  const role = options.mfaCodeCommand ? { ...spec.role, session: { ...spec.role.session, mfaProcess: options.mfaCodeCommand, mfaProcessGiven: true } } : spec.role;
  if (!role.session.mfaProcess) {
    // Say how to give rotate a code before the chain finds it needs one and has nowhere to ask.
    const { lookupRole, lookupSession } = await import('../cache/cachedCredentials.js');
    const cached = (await lookupRole(role, options.env)).credentials ?? (await lookupSession(role.session, options.env)).credentials;
    const { terminalAvailable } = await import('../prompt/mfaCodeTerminal.js');
    if (!cached && !terminalAvailable()) {
      throw new UserError(`rotate needs an MFA code for the admin role (profile ${options.adminProfile}), and there is no terminal to ask on`, {
        next: `pass --mfa-code-command CMD (a command that prints the current code), or set mfa_process in profile ${options.adminProfile}`,
      });
    }
  }
  return resolveRoleCredentials(shared, role, {
    env: options.env,
    onWait: (pid) => options.log(`waiting for another rolegate process (pid ${pid}) that is asking for an MFA code`),
    onWarning: (message) => options.log(`warning: ${message}`),
  });
}
