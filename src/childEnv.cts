/**
 * The environment rolegate hands to the commands it starts (exec's command, mfa_process, setup's
 * --mfa-pair-command and --mfa-code-command): the caller's, without rolegate's own secrets.
 * ROLEGATE_FILE_PASSPHRASE unlocks the long-term key in the encrypted key file; a child gets
 * short-lived credentials at most, never what it takes to read the long-term key.
 */
export const PASSPHRASE_VARIABLE = 'ROLEGATE_FILE_PASSPHRASE';

const ROLEGATE_SECRETS: readonly string[] = [PASSPHRASE_VARIABLE];

export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...env };
  for (const name of ROLEGATE_SECRETS) delete copy[name];
  return copy;
}
