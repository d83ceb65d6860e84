import { roleArn } from './arns.js';
import { MFA_PRESENT, type PolicyDocument } from './policyDocument.js';

/**
 * The read-only user's inline policy: it may assume the admin role, that one only, only with MFA.
 * The role's ARN is the one IAM gives (`roleArn`, which keeps its path) when the role exists.
 */
export function assumeRolePolicy(input: { partition: string; account: string; roleName: string; roleArn?: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: input.roleArn ?? roleArn(input.partition, input.account, input.roleName),
        Condition: { Bool: { ...MFA_PRESENT.Bool } },
      },
    ],
  };
}
