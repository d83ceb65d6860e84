import { DeleteAccessKeyCommand } from '@aws-sdk/client-iam';
import { awsCall } from '../awsErrors.js';
import type { Inspection, SetupContext, Step } from '../step.js';

/**
 * With root bootstrap credentials: once the new key has been checked, and only after the person
 * confirms (or --delete-root-keys) and elevation is proven (the new key, a fresh MFA code, the admin
 * role: elevationProof.ts), the root access key that setup ran with is deleted. If elevation cannot
 * be proven, the root key stays and setup says why.
 */
export const rootKeyStep: Step = {
  id: 'root-key',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const id = ctx.bootstrapKeyId;
    if (!ctx.isRoot || !id) {
      return { item: { step: 'root-key', resource: 'root access key', status: 'skip', summary: 'not used (bootstrap identity is not the account root)' } };
    }
    const resource = `root access key ${id}`;
    return {
      item: { step: 'root-key', resource, status: 'update', summary: 'will be deleted after the new key works and elevation to the admin role with MFA is proven, if you confirm (--delete-root-keys)' },
      apply: async () => {
        if (!ctx.state.keyVerified) return 'kept: the new key was not checked';
        const yes = ctx.options.deleteRootKeys || (await ctx.io.confirm(`Delete the root access key ${id} that setup ran with?`, false));
        if (!yes) return 'kept (delete it later in the console, or run setup again with --delete-root-keys)';
        const { proveElevation, IAM_DELAY_TEXT } = await import('../elevationProof.js');
        const proof = await proveElevation(ctx);
        if (!proof.ok) {
          return `kept: elevation to the admin role could not be proven, so the root key is still needed (${proof.why}); ${IAM_DELAY_TEXT}: run setup again with --delete-root-keys once \`rolegate verify\` passes`;
        }
        ctx.io.line(`  elevation proven (${proof.arn})`);
        await awsCall('iam:DeleteAccessKey', () => ctx.iam.send(new DeleteAccessKeyCommand({ AccessKeyId: id })), 'the account root');
        return 'deleted; remove it from wherever it was configured';
      },
    };
  },
};
