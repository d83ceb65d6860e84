import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { UserError } from '../../userError.js';
import { errorCode } from '../awsErrors.js';
import type { Inspection, SetupContext, Step } from '../step.js';

/** Codes a new key gets while IAM has not yet spread it (eventual consistency). */
const NOT_YET = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'AccessDenied', 'UnrecognizedClientException']);

/** Checks that the stored key works: STS names the read-only user. Retries while IAM catches up. */
export const verifyKeyStep: Step = {
  id: 'verify',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const resource = `new key of user ${ctx.options.userName}`;
    return {
      item: { step: 'verify', resource, status: 'check', summary: 'will be checked with sts get-caller-identity' },
      apply: async () => {
        const key = ctx.state.key;
        if (!key) throw new Error('no key to check');
        const { createStsClient } = await import('../../aws/clients.js');
        const sts = createStsClient({ credentials: key, region: ctx.options.region, env: ctx.env });
        const deadline = Date.now() + Number(ctx.env.ROLEGATE_KEY_WAIT_SECONDS ?? 90) * 1000;
        let delay = 1000;
        let said = false;
        for (;;) {
          try {
            const identity = await sts.send(new GetCallerIdentityCommand({}));
            if (identity.Arn !== ctx.names.userArn) {
              throw new UserError(`the stored key belongs to ${identity.Arn}, not to ${ctx.names.userArn}`, {
                next: 'run setup again: it replaces a key that is not the user\'s',
              });
            }
            ctx.state.keyVerified = true;
            return `works (${identity.Arn})`;
          } catch (error) {
            if (!NOT_YET.has(errorCode(error) ?? '') || Date.now() + delay > deadline) {
              if (error instanceof UserError) throw error;
              const spreading = NOT_YET.has(errorCode(error) ?? '') ? `, still after ${Math.round(Number(ctx.env.ROLEGATE_KEY_WAIT_SECONDS ?? 90))} s: IAM changes can take a minute to take effect` : '';
              throw new UserError(`the new key of user ${ctx.options.userName} does not work (${errorCode(error) ?? 'error'})${spreading}`, {
                next: 'wait a minute and run setup again; it checks the key again without creating another',
                cause: error,
              });
            }
            if (!said) {
              ctx.io.line('  waiting for the new key to become active (IAM changes can take a minute to take effect)...');
              said = true;
            }
            await new Promise((resolve) => setTimeout(resolve, delay));
            delay = Math.min(delay * 2, 10_000);
          }
        }
      },
    };
  },
};
