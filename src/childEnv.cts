/**
 * The environment rolegate hands to the commands it starts (exec's command, mfa_process, setup's
 * --mfa-pair-command and --mfa-code-command, ykman, the desktop dialog, the browser): the
 * caller's, without what is not theirs.
 * - rolegate's own secrets: ROLEGATE_FILE_PASSPHRASE unlocks the long-term key in the encrypted
 *   key file (and the _COMMAND and _FD variables say where it comes from); a child gets short-lived
 *   credentials at most, never what it takes to read the long-term key.
 * - AWS credentials in rolegate's environment (a bootstrap key setup runs with, a session): a code
 *   command or a browser has no use for them. exec adds the profile's own after this.
 */
export const PASSPHRASE_VARIABLE = 'ROLEGATE_FILE_PASSPHRASE';
export const PASSPHRASE_COMMAND_VARIABLE = 'ROLEGATE_FILE_PASSPHRASE_COMMAND';
export const PASSPHRASE_FD_VARIABLE = 'ROLEGATE_FILE_PASSPHRASE_FD';

const ROLEGATE_SECRETS: readonly string[] = [PASSPHRASE_VARIABLE, PASSPHRASE_COMMAND_VARIABLE, PASSPHRASE_FD_VARIABLE];
const AWS_CREDENTIALS: readonly string[] = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_SECRET_KEY', 'AWS_CREDENTIAL_EXPIRATION'];

export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...env };
  for (const name of [...ROLEGATE_SECRETS, ...AWS_CREDENTIALS]) delete copy[name];
  return copy;
}
