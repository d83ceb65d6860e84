/**
 * The steps of `setup --identity console`: the read-only user signs in with a console password and
 * its MFA device, then `aws login` (AWS CLI 2.32+) turns that sign-in into short-lived credentials
 * for the CLI and the SDKs. No access key exists.
 *   signin-policy  AWS managed policy SignInLocalDevelopmentAccess on the user (signin:
 *                  AuthorizeOAuth2Access and CreateOAuth2Token, what `aws login` and its renewals need)
 *   login-profile  the console password: generated, shown once (never stored or logged), to be
 *                  changed at the first sign-in (PasswordResetRequired); an existing one is kept
 */
import { randomInt } from 'node:crypto';
import { CreateLoginProfileCommand } from '@aws-sdk/client-iam';
import { awsCall, isAlreadyExists, isNotFound, retryWhileSpreading } from '../awsErrors.js';
import { attachedUserPolicyArns, userAttachments } from '../iamReads.js';
import { managedPolicyArn } from '../../policy/arns.js';
import type { Inspection, SetupContext, Step } from '../step.js';

export const SIGNIN_POLICY = 'SignInLocalDevelopmentAccess';

export const signinPolicyStep: Step = {
  id: 'signin-policy',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const arn = managedPolicyArn(SIGNIN_POLICY, ctx.names.partition);
    const name = ctx.options.userName;
    const resource = `policy ${SIGNIN_POLICY} on user ${name}`;
    if ((await attachedUserPolicyArns(ctx.iam, name)).includes(arn)) return { item: { step: 'signin-policy', resource, status: 'exists', summary: 'attached' } };
    return {
      item: { step: 'signin-policy', resource, status: 'create', summary: 'will be attached (aws login and its renewals need it)' },
      apply: async () => {
        const { AttachUserPolicyCommand } = await import('@aws-sdk/client-iam');
        await retryWhileSpreading(() => awsCall('iam:AttachUserPolicy', () => ctx.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: arn }))), isNotFound, { maxWaitMs: 15_000 });
        return 'attached';
      },
    };
  },
};

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!@#%^*()-_=+[]{}:,.?';

/** A password any IAM password policy accepts: 24 characters, each class present, from the CSPRNG. */
export function generatePassword(length = 24): string {
  const all = UPPER + LOWER + DIGITS + SYMBOLS;
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

export const loginProfileStep: Step = {
  id: 'login-profile',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const name = ctx.options.userName;
    const resource = `console password of user ${name}`;
    if ((await userAttachments(ctx.iam, name)).loginProfile) return { item: { step: 'login-profile', resource, status: 'exists', summary: 'exists (kept)' } };
    return {
      item: { step: 'login-profile', resource, status: 'create', summary: 'will be created: shown once, to be changed at the first sign-in' },
      apply: async () => {
        const password = generatePassword();
        try {
          await retryWhileSpreading(
            () => awsCall('iam:CreateLoginProfile', () => ctx.iam.send(new CreateLoginProfileCommand({ UserName: name, Password: password, PasswordResetRequired: true }))),
            isNotFound,
            { maxWaitMs: 15_000 },
          );
        } catch (error) {
          // a lost answer repeated by the SDK: the first call made it, with this same password
          if (!isAlreadyExists(error)) throw error;
        }
        // the one place the password appears: the person's terminal (or stderr under --json)
        ctx.io.line(`  console password of ${name} (shown once, not stored; AWS asks for a new one at the first sign-in): ${password}`);
        return 'created';
      },
    };
  },
};
