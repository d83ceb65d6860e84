import { CreateUserCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { UserError } from '../../userError.js';
import { awsCall, isAlreadyExists } from '../awsErrors.js';
import { readUser } from '../iamReads.js';
import { ADOPTED_TAG, isManaged, MANAGED_TAG } from '../../setups/tags.js';
import type { Inspection, SetupContext, Step } from '../step.js';

/** The read-only IAM user: created and tagged, or (with --adopt) an existing one tagged as ours. */
export const iamUserStep: Step = {
  id: 'user',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const name = ctx.options.userName;
    const resource = `IAM user ${name}`;
    const user = await readUser(ctx.iam, name);
    if (!user) {
      return {
        item: { step: 'user', resource, status: 'create', summary: 'will be created' },
        apply: async () => {
          try {
            await awsCall('iam:CreateUser', () => ctx.iam.send(new CreateUserCommand({ UserName: name, Tags: [MANAGED_TAG] })));
          } catch (error) {
            // The SDK repeats a call whose answer was lost; the repeat then finds the user the first made.
            if (!isAlreadyExists(error)) throw error;
            if (!isManaged((await readUser(ctx.iam, name))?.Tags)) throw notOurs('an IAM user', name, '--user-name');
          }
          return 'created';
        },
      };
    }
    if (isManaged(user.Tags)) return { item: { step: 'user', resource, status: 'exists', summary: 'exists' } };
    if (!ctx.options.adopt) throw notOurs('an IAM user', name, '--user-name');
    return {
      item: { step: 'user', resource, status: 'update', summary: 'exists, not created by rolegate: will be adopted (tagged managed-by=rolegate)' },
      apply: async () => {
        await awsCall('iam:TagUser', () => ctx.iam.send(new TagUserCommand({ UserName: name, Tags: [MANAGED_TAG, { Key: ADOPTED_TAG, Value: 'true' }] })));
        return 'adopted';
      },
    };
  },
};

export function notOurs(what: string, name: string, flag: string): UserError {
  return new UserError(`${what} named ${name} already exists and was not created by rolegate`, {
    next: `pick another name with ${flag} NAME, or take it over with --adopt (teardown then keeps it and removes only what setup added)`,
  });
}
