/** Reads, with IAM's read-only calls, the policy documents that decide who may assume a role. */
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { NamedPolicy } from '../audit/mfaRequirement.js';

export async function roleTrustPolicy(iam: IAMClient, roleName: string): Promise<string> {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  if (!Role?.AssumeRolePolicyDocument) throw new Error(`role ${roleName} has no trust policy`);
  return Role.AssumeRolePolicyDocument;
}

async function managedPolicy(iam: IAMClient, arn: string): Promise<NamedPolicy> {
  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy?.DefaultVersionId }));
  return { name: `${Policy?.PolicyName ?? arn} (attached)`, document: PolicyVersion?.Document ?? '{}' };
}

/** Inline and attached policies of the user and of its groups. */
export async function userIdentityPolicies(iam: IAMClient, userName: string): Promise<NamedPolicy[]> {
  const policies: NamedPolicy[] = [];
  const inline = await iam.send(new ListUserPoliciesCommand({ UserName: userName }));
  for (const name of inline.PolicyNames ?? []) {
    const { PolicyDocument } = await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }));
    policies.push({ name: `${name} (inline)`, document: PolicyDocument ?? '{}' });
  }
  const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
  for (const p of attached.AttachedPolicies ?? []) if (p.PolicyArn) policies.push(await managedPolicy(iam, p.PolicyArn));
  const groups = await iam.send(new ListGroupsForUserCommand({ UserName: userName }));
  for (const group of groups.Groups ?? []) {
    const GroupName = group.GroupName!;
    const groupInline = await iam.send(new ListGroupPoliciesCommand({ GroupName }));
    for (const name of groupInline.PolicyNames ?? []) {
      const { PolicyDocument } = await iam.send(new GetGroupPolicyCommand({ GroupName, PolicyName: name }));
      policies.push({ name: `${name} (inline, group ${GroupName})`, document: PolicyDocument ?? '{}' });
    }
    const groupAttached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName }));
    for (const p of groupAttached.AttachedPolicies ?? []) if (p.PolicyArn) policies.push(await managedPolicy(iam, p.PolicyArn));
  }
  return policies;
}
