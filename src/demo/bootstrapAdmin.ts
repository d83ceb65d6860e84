import { UserError } from '../userError.js';
import { runChild } from './childRun.js';

/** Creates the account's first admin (IAM user bootstrap-admin with AdministratorAccess) and its key. */
export async function createBootstrapAdmin(awsBin: string, env: NodeJS.ProcessEnv): Promise<{ id: string; secret: string }> {
  // any key will do while the emulator's access control is off (documented example keys)
  const asAnyone = { ...env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const call = async (args: string[]) => {
    const result = await runChild(awsBin, [...args, '--output', 'json'], { env: asAnyone, timeoutMs: 60_000 });
    if (result.code !== 0) throw new UserError(`preparing the emulator's account failed: aws ${args.slice(0, 2).join(' ')}: ${result.stderr.trim() || (result.timedOut ? 'no answer within 60 s' : 'no message')}`);
    return result.stdout;
  };
  await call(['iam', 'create-user', '--user-name', 'bootstrap-admin']);
  await call(['iam', 'attach-user-policy', '--user-name', 'bootstrap-admin', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess']);
  const key = (JSON.parse(await call(['iam', 'create-access-key', '--user-name', 'bootstrap-admin'])) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } }).AccessKey;
  return { id: key.AccessKeyId, secret: key.SecretAccessKey };
}
