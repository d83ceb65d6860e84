/** ARNs of the resources rolegate creates, in the `aws` partition. */
export const accountRootArn = (account: string) => `arn:aws:iam::${account}:root`;
export const userArn = (account: string, user: string) => `arn:aws:iam::${account}:user/${user}`;
export const roleArn = (account: string, role: string) => `arn:aws:iam::${account}:role/${role}`;
export const mfaSerial = (account: string, device: string) => `arn:aws:iam::${account}:mfa/${device}`;

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

/** `SecurityAudit` → `arn:aws:iam::aws:policy/SecurityAudit`; a full ARN is kept as it is. */
export function managedPolicyArn(nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:aws:iam::aws:policy/${MANAGED_POLICY_PATHS[nameOrArn] ?? nameOrArn}`;
}
