import { roleArn } from './arns.js';
import { MFA_PRESENT, type PolicyDocument } from './policyDocument.js';

/** The read-only user's inline policy: it may assume the admin role, that one only, only with MFA. */
export function assumeRolePolicy(input: { account: string; roleName: string }): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: roleArn(input.account, input.roleName),
        Condition: { Bool: { ...MFA_PRESENT.Bool } },
      },
    ],
  };
}
