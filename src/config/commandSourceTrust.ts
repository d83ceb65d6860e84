/**
 * Before rolegate runs a command it read from the shared config or credentials file (mfa_process),
 * both files, and the folders above them, must be the user's own and closed to others
 * (files/pathTrust.ts): otherwise another local user could have written the command, and rolegate
 * would run it as this user. A command given on rolegate's command line is not checked.
 */
import { describeTrustProblem, pathTrustProblems, trustFix } from '../files/pathTrust.js';
import { UserError } from '../userError.js';
import { sharedFilePaths } from './sharedFilePaths.js';

export async function assertCommandSourceTrusted(setting: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { configFile, credentialsFile } = sharedFilePaths(env);
  for (const file of [configFile, credentialsFile]) {
    const problems = await pathTrustProblems(file, env);
    if (problems.length === 0) continue;
    throw new UserError(
      `rolegate will not run the ${setting} command from ${file}: ${problems.map(describeTrustProblem).join('; ')}, so another user could have written that command`,
      { next: `${problems.map(trustFix).join('; ')}; then run the command again (rolegate audit --local checks these files)` },
    );
  }
}
