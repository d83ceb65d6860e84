import { PutUserPolicyCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { awsCall, isNotFound, retryWhileSpreading } from '../awsErrors.js';
import { readUser, readUserPolicy } from '../iamReads.js';
import { ADDED_INLINE_TAG, isAdopted } from '../../setups/tags.js';
import { assumeRolePolicy } from '../../policy/assumeRolePolicy.js';
import { parsePolicyDocument, samePolicy } from '../../policy/policyDocument.js';
import type { Inspection, SetupContext, Step } from '../step.js';

/** The user's inline policy: sts:AssumeRole on the admin role, only with MFA. */
export const inlinePolicyStep: Step = {
  id: 'inline-policy',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const { userName, policyName } = ctx.options;
    const resource = `inline policy ${policyName} on user ${userName}`;
    const document = assumeRolePolicy({ partition: ctx.names.partition, account: ctx.names.account, roleName: ctx.options.roleName, roleArn: ctx.names.roleArn });
    const current = await readUserPolicy(ctx.iam, userName, policyName);
    if (current !== undefined && samePolicy(parsePolicyDocument(current), document)) {
      return { item: { step: 'inline-policy', resource, status: 'exists', summary: 'exists', document } };
    }
    const creating = current === undefined;
    return {
      item: {
        step: 'inline-policy',
        resource,
        status: creating ? 'create' : 'update',
        summary: creating ? 'will be created' : 'differs: will be replaced',
        document,
      },
      apply: async () => {
        const put = new PutUserPolicyCommand({ UserName: userName, PolicyName: policyName, PolicyDocument: JSON.stringify(document) });
        await retryWhileSpreading(() => awsCall('iam:PutUserPolicy', () => ctx.iam.send(put)), isNotFound, { maxWaitMs: 15_000 });
        // on an adopted user, a policy setup created is recorded: teardown deletes only what setup added
        if (creating && isAdopted((await readUser(ctx.iam, userName))?.Tags)) {
          await awsCall('iam:TagUser', () => ctx.iam.send(new TagUserCommand({ UserName: userName, Tags: [{ Key: ADDED_INLINE_TAG, Value: policyName }] })));
        }
        return creating ? 'created' : 'replaced';
      },
    };
  },
};
