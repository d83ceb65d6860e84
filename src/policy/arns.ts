/**
 * ARNs of the resources rolegate creates. Every ARN names its partition (`aws`, `aws-us-gov`,
 * `aws-cn`, ...): the caller's, from GetCallerIdentity (aws/partition.ts). These build the ARN of a
 * resource about to be created (path `/`); an existing user's, role's or device's ARN is read
 * from IAM, never rebuilt from its name (a user or role may have a path).
 */
export const accountRootArn = (partition: string, account: string) => `arn:${partition}:iam::${account}:root`;
export const userArn = (partition: string, account: string, user: string) => `arn:${partition}:iam::${account}:user/${user}`;
export const roleArn = (partition: string, account: string, role: string) => `arn:${partition}:iam::${account}:role/${role}`;
export const mfaSerial = (partition: string, account: string, device: string) => `arn:${partition}:iam::${account}:mfa/${device}`;

/** A virtual MFA device's serial (an ARN with `:mfa/`); hardware tokens and FIDO security keys have others. */
export const isVirtualMfaSerial = (serial: string) => /^arn:[\w-]+:iam::\d{12}:mfa\//.test(serial);

/** Short names of AWS managed policies that live under a sub-path. */
const MANAGED_POLICY_PATHS: Record<string, string> = {
  ViewOnlyAccess: 'job-function/ViewOnlyAccess',
  SystemAdministrator: 'job-function/SystemAdministrator',
  DatabaseAdministrator: 'job-function/DatabaseAdministrator',
  NetworkAdministrator: 'job-function/NetworkAdministrator',
  Billing: 'job-function/Billing',
  DataScientist: 'job-function/DataScientist',
  SupportUser: 'job-function/SupportUser',
};

/** `SecurityAudit` → `arn:PARTITION:iam::aws:policy/SecurityAudit`; a full ARN is kept as it is. */
export function managedPolicyArn(nameOrArn: string, partition: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:${partition}:iam::aws:policy/${MANAGED_POLICY_PATHS[nameOrArn] ?? nameOrArn}`;
}

/** The path and name of an AWS managed policy, for emitted code that builds its ARN in the partition it runs in. */
export function managedPolicyPath(nameOrArn: string): string | undefined {
  if (nameOrArn.startsWith('arn:')) return /^arn:[\w-]+:iam::aws:policy\/(.+)$/.exec(nameOrArn)?.[1];
  return MANAGED_POLICY_PATHS[nameOrArn] ?? nameOrArn;
}
