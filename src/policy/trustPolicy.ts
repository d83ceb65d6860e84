import { accountRootArn, userArn } from './arns.js';
import { MFA_PRESENT, type PolicyDocument } from './policyDocument.js';

export type TrustScope = 'account' | 'user';

/**
 * The admin role's trust policy: principals of the account (as the original guide has it), or
 * only the read-only user, may assume the role, and only when they signed in with MFA. The user's
 * ARN is the one IAM gives (`user`, which keeps its path) when the user exists.
 */
export function trustPolicy(input: { partition: string; account: string; trust: TrustScope; userName: string; userArn?: string }): PolicyDocument {
  const principal = input.trust === 'user' ? (input.userArn ?? userArn(input.partition, input.account, input.userName)) : accountRootArn(input.partition, input.account);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        Condition: { Bool: { ...MFA_PRESENT.Bool } },
      },
    ],
  };
}
