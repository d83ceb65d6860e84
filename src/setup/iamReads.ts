import {
  GetRoleCommand,
  GetUserCommand,
  GetLoginProfileCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
  type AccessKeyMetadata,
  type IAMClient,
  type Role,
  type User,
  type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { awsCall, isNotFound } from './awsErrors.js';

/** Read helpers: a missing entity is `undefined` (or an empty list), never an error. */
async function orMissing<T>(action: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await awsCall(action, run);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function readUser(iam: IAMClient, userName: string): Promise<User | undefined> {
  return (await orMissing('iam:GetUser', () => iam.send(new GetUserCommand({ UserName: userName }))))?.User;
}

export async function readRole(iam: IAMClient, roleName: string): Promise<Role | undefined> {
  return (await orMissing('iam:GetRole', () => iam.send(new GetRoleCommand({ RoleName: roleName }))))?.Role;
}

export async function readUserPolicy(iam: IAMClient, userName: string, policyName: string): Promise<string | undefined> {
  const out = await orMissing('iam:GetUserPolicy', () => iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: policyName })));
  return out?.PolicyDocument;
}

export async function attachedUserPolicyArns(iam: IAMClient, userName: string): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const out = await orMissing('iam:ListAttachedUserPolicies', () =>
      iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName, Marker: marker })),
    );
    if (!out) return arns;
    arns.push(...(out.AttachedPolicies ?? []).map((p) => p.PolicyArn!));
    marker = out.IsTruncated ? out.Marker : undefined;
  } while (marker);
  return arns;
}

export async function attachedRolePolicyArns(iam: IAMClient, roleName: string): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const out = await orMissing('iam:ListAttachedRolePolicies', () =>
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker })),
    );
    if (!out) return arns;
    arns.push(...(out.AttachedPolicies ?? []).map((p) => p.PolicyArn!));
    marker = out.IsTruncated ? out.Marker : undefined;
  } while (marker);
  return arns;
}

export async function accessKeys(iam: IAMClient, userName: string): Promise<AccessKeyMetadata[]> {
  const out = await orMissing('iam:ListAccessKeys', () => iam.send(new ListAccessKeysCommand({ UserName: userName })));
  return out?.AccessKeyMetadata ?? [];
}

export async function userMfaSerials(iam: IAMClient, userName: string): Promise<string[]> {
  const out = await orMissing('iam:ListMFADevices', () => iam.send(new ListMFADevicesCommand({ UserName: userName })));
  return (out?.MFADevices ?? []).map((d) => d.SerialNumber!);
}

export async function virtualMfaDevice(iam: IAMClient, serial: string): Promise<VirtualMFADevice | undefined> {
  let marker: string | undefined;
  do {
    const out = await awsCall('iam:ListVirtualMFADevices', () =>
      iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Any', Marker: marker })),
    );
    const found = (out.VirtualMFADevices ?? []).find((d) => d.SerialNumber === serial);
    if (found) return found;
    marker = out.IsTruncated ? out.Marker : undefined;
  } while (marker);
  return undefined;
}

/**
 * What DeleteUser requires gone first besides policies, keys and MFA devices (AWS answers
 * DeleteConflict otherwise; the DeleteUser API reference lists them): the console password, group
 * memberships, signing certificates, SSH public keys and service-specific credentials.
 */
export interface UserAttachments {
  loginProfile: boolean;
  groups: string[];
  signingCertificates: string[];
  sshPublicKeys: string[];
  serviceCredentials: string[];
}

export async function userAttachments(iam: IAMClient, userName: string): Promise<UserAttachments> {
  const profile = await orMissing('iam:GetLoginProfile', () => iam.send(new GetLoginProfileCommand({ UserName: userName })));
  const groups: string[] = [];
  let marker: string | undefined;
  do {
    const out = await orMissing('iam:ListGroupsForUser', () => iam.send(new ListGroupsForUserCommand({ UserName: userName, Marker: marker })));
    groups.push(...(out?.Groups ?? []).map((g) => g.GroupName!));
    marker = out?.IsTruncated ? out.Marker : undefined;
  } while (marker);
  const certificates = await orMissing('iam:ListSigningCertificates', () => iam.send(new ListSigningCertificatesCommand({ UserName: userName })));
  const ssh = await orMissing('iam:ListSSHPublicKeys', () => iam.send(new ListSSHPublicKeysCommand({ UserName: userName })));
  const service = await orMissing('iam:ListServiceSpecificCredentials', () => iam.send(new ListServiceSpecificCredentialsCommand({ UserName: userName })));
  return {
    loginProfile: profile?.LoginProfile !== undefined,
    groups,
    signingCertificates: (certificates?.Certificates ?? []).map((c) => c.CertificateId!),
    sshPublicKeys: (ssh?.SSHPublicKeys ?? []).map((k) => k.SSHPublicKeyId!),
    serviceCredentials: (service?.ServiceSpecificCredentials ?? []).map((c) => c.ServiceSpecificCredentialId!),
  };
}

