import { AttachRolePolicyCommand, AttachUserPolicyCommand, GetPolicyCommand, TagRoleCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { badInput } from '../../userError.js';
import { awsCall, isNotFound, retryWhileSpreading } from '../awsErrors.js';
import { attachedRolePolicyArns, attachedUserPolicyArns, readRole, readUser } from '../iamReads.js';
import { ADDED_POLICY_TAG, isAdopted } from '../../setups/tags.js';
import type { Inspection, SetupContext, Step, StepId } from '../step.js';

async function checkPolicyExists(ctx: SetupContext, arn: string, flag: string): Promise<void> {
  try {
    await awsCall('iam:GetPolicy', () => ctx.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  } catch (error) {
    if (isNotFound(error)) throw badInput(`the managed policy ${arn} does not exist`, `pass an existing policy with ${flag} (e.g. SecurityAudit, ReadOnlyAccess, ViewOnlyAccess)`);
    throw error;
  }
}

function attachStep(id: StepId, target: 'user' | 'role'): Step {
  return {
    id,
    async inspect(ctx): Promise<Inspection> {
      const arn = target === 'user' ? ctx.names.readPolicyArn : ctx.names.adminPolicyArn;
      const name = target === 'user' ? ctx.options.userName : ctx.options.roleName;
      const flag = target === 'user' ? '--read-policy' : '--admin-policy';
      const resource = `policy ${arn.replace(/^arn:[\w-]+:iam::aws:policy\//, '')} on ${target} ${name}`;
      const partition = /^arn:([\w-]+):/.exec(arn)?.[1];
      if (partition !== ctx.names.partition) {
        // a policy of another partition cannot be attached here; IAM would say only that it does not exist
        throw badInput(
          `the managed policy ${arn} is in partition ${partition}, but account ${ctx.names.account} is in ${ctx.names.partition}`,
          `pass ${flag} with the policy's name (e.g. ${flag} SecurityAudit) or an ARN that starts with arn:${ctx.names.partition}:`,
        );
      }
      const attached = target === 'user' ? await attachedUserPolicyArns(ctx.iam, name) : await attachedRolePolicyArns(ctx.iam, name);
      if (attached.includes(arn)) return { item: { step: id, resource, status: 'exists', summary: 'attached' } };
      await checkPolicyExists(ctx, arn, flag);
      return {
        item: { step: id, resource, status: 'create', summary: 'will be attached' },
        apply: async () => {
          // the user or role may be seconds old: IAM is eventually consistent
          const attach = () =>
            target === 'user'
              ? awsCall('iam:AttachUserPolicy', () => ctx.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn })))
              : awsCall('iam:AttachRolePolicy', () => ctx.iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn })));
          await retryWhileSpreading(attach, isNotFound, { maxWaitMs: 15_000 });
          // on an adopted user or role, the attachment is recorded: teardown detaches only what setup added
          const tags = target === 'user' ? (await readUser(ctx.iam, name))?.Tags : (await readRole(ctx.iam, name))?.Tags;
          if (isAdopted(tags)) {
            const tag = [{ Key: ADDED_POLICY_TAG, Value: arn }];
            await (target === 'user'
              ? awsCall('iam:TagUser', () => ctx.iam.send(new TagUserCommand({ UserName: name, Tags: tag })))
              : awsCall('iam:TagRole', () => ctx.iam.send(new TagRoleCommand({ RoleName: name, Tags: tag }))));
          }
          return 'attached';
        },
      };
    },
  };
}

/** The read policy (SecurityAudit) on the user. */
export const readPolicyStep = attachStep('read-policy', 'user');
/** The admin policy (AdministratorAccess) on the role. */
export const adminPolicyStep = attachStep('admin-policy', 'role');
