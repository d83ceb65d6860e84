import { CreateRoleCommand, TagRoleCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand } from '@aws-sdk/client-iam';
import { UserError } from '../../userError.js';
import { awsCall, isAlreadyExists, isInvalidPrincipal, retryWhileSpreading } from '../awsErrors.js';
import { readRole } from '../iamReads.js';
import { ADMIN_ROLE_DESCRIPTION, ADOPTED_TAG, isManaged, MANAGED_TAG } from '../../setups/tags.js';
import { trustPolicy } from '../../policy/trustPolicy.js';
import { parsePolicyDocument, samePolicy } from '../../policy/policyDocument.js';
import type { Inspection, SetupContext, Step } from '../step.js';
import { notOurs } from './iamUser.js';

/** The admin role: trust policy with MFA, maximum session duration, the managed tag. */
export const adminRoleStep: Step = {
  id: 'role',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const name = ctx.options.roleName;
    const resource = `IAM role ${name}`;
    const document = trustPolicy({ partition: ctx.names.partition, account: ctx.names.account, trust: ctx.options.trust, userName: ctx.options.userName, userArn: ctx.names.userArn });
    const json = JSON.stringify(document);
    const duration = ctx.options.roleDuration;
    const role = await readRole(ctx.iam, name);
    if (!role) {
      return {
        item: { step: 'role', resource, status: 'create', summary: `will be created (max session ${duration} s)`, document },
        apply: async () => {
          await retryWhileSpreading(() => awsCall('iam:CreateRole', () =>
            ctx.iam.send(
              new CreateRoleCommand({
                RoleName: name,
                AssumeRolePolicyDocument: json,
                MaxSessionDuration: duration,
                Description: ADMIN_ROLE_DESCRIPTION,
                Tags: [MANAGED_TAG],
              }),
            ),
          ), isInvalidPrincipal).catch(async (error: unknown) => {
            // The SDK repeats a call whose answer was lost; the repeat then finds the role the first made.
            if (!isAlreadyExists(error)) throw error;
            const made = await readRole(ctx.iam, name);
            if (!isManaged(made?.Tags)) throw notOurs('an IAM role', name, '--role-name');
            if (made!.MaxSessionDuration !== duration || !samePolicy(parsePolicyDocument(made!.AssumeRolePolicyDocument), document)) {
              throw new UserError(`the IAM role ${name} appeared while setup created it, and differs from the one setup asked for`, {
                next: 'run rolegate setup again: it updates the role',
                cause: error,
              });
            }
          });
          return 'created';
        },
      };
    }
    const adopting = !isManaged(role.Tags);
    if (adopting && !ctx.options.adopt) throw notOurs('an IAM role', name, '--role-name');
    const trustDiffers = !samePolicy(parsePolicyDocument(role.AssumeRolePolicyDocument), document);
    const durationDiffers = role.MaxSessionDuration !== duration;
    const changes = [
      ...(adopting ? ['not created by rolegate: will be adopted (tagged managed-by=rolegate)'] : []),
      ...(trustDiffers ? ['trust policy differs: will be replaced'] : []),
      ...(durationDiffers ? [`max session ${role.MaxSessionDuration} s: will be ${duration} s`] : []),
    ];
    if (changes.length === 0) return { item: { step: 'role', resource, status: 'exists', summary: 'exists', document } };
    return {
      item: { step: 'role', resource, status: 'update', summary: `differs: ${changes.join('; ')}`, changes, document },
      apply: async () => {
        if (adopting) await awsCall('iam:TagRole', () => ctx.iam.send(new TagRoleCommand({ RoleName: name, Tags: [MANAGED_TAG, { Key: ADOPTED_TAG, Value: 'true' }] })));
        if (trustDiffers) {
          await retryWhileSpreading(
            () => awsCall('iam:UpdateAssumeRolePolicy', () => ctx.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: json }))),
            isInvalidPrincipal,
          );
        }
        if (durationDiffers) {
          await awsCall('iam:UpdateRole', () => ctx.iam.send(new UpdateRoleCommand({ RoleName: name, MaxSessionDuration: duration })));
        }
        return 'updated';
      },
    };
  },
};
