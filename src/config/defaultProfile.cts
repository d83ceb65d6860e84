/** The profile a command uses when none is named: AWS_PROFILE, else `default` (like the CLI). */
export function defaultProfileName(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
}
