import { assumeRolePolicy } from '../policy/assumeRolePolicy.js';
import { managedPolicyPath } from '../policy/arns.js';
import { trustPolicy, type TrustScope } from '../policy/trustPolicy.js';
import type { PolicyDocument } from '../policy/policyDocument.js';
import { ADMIN_ROLE_DESCRIPTION, MANAGED_TAG } from '../setups/tags.js';

/** What `rolegate setup --emit` is asked for: setup's names and policies, and optionally many people. */
export interface EmitOptions {
  userName: string;
  roleName: string;
  policyName: string;
  readPolicy: string;
  adminPolicy: string;
  roleDuration: number;
  trust: TrustScope;
  /** `--users a,b,c`: one user and one role per person; absent: the single user setup makes. */
  users?: string[];
}

/**
 * Placeholders for what only the deployment knows (the account) or what a parameter decides (the
 * names). The documents are built by setup's own functions with these in place of the values, and
 * each format substitutes its own syntax, so a template cannot drift from what setup writes.
 */
export const PLACEHOLDER = { partition: '\u0000partition\u0000', account: '\u0000account\u0000', user: '\u0000user\u0000', role: '\u0000role\u0000' } as const;
export type Placeholder = keyof typeof PLACEHOLDER;

export interface DesignDocuments {
  /** The admin role's trust policy for each `--trust` choice. */
  trust: Record<TrustScope, PolicyDocument>;
  /** The user's inline policy: sts:AssumeRole on its role, only with MFA. */
  assumeRole: PolicyDocument;
}

export function designDocuments(): DesignDocuments {
  const names = { partition: PLACEHOLDER.partition, account: PLACEHOLDER.account, userName: PLACEHOLDER.user, roleName: PLACEHOLDER.role };
  return {
    trust: {
      account: trustPolicy({ ...names, trust: 'account' }),
      user: trustPolicy({ ...names, trust: 'user' }),
    },
    assumeRole: assumeRolePolicy(names),
  };
}

/** The tags setup writes on the user and the role; setup adopts what carries them without --adopt. */
export const DESIGN_TAGS = [{ Key: MANAGED_TAG.Key!, Value: MANAGED_TAG.Value! }];
export const ROLE_DESCRIPTION = ADMIN_ROLE_DESCRIPTION;

/**
 * How emitted code names a managed policy: an AWS managed one by its name (path), its ARN built
 * in the partition the code is deployed to (`${AWS::Partition}`, `data "aws_partition"`); any other
 * by the ARN given.
 */
export type PolicyChoice = { awsManaged: string } | { arn: string };
export function policyChoice(nameOrArn: string): PolicyChoice {
  const path = managedPolicyPath(nameOrArn);
  return path !== undefined ? { awsManaged: path } : { arn: nameOrArn };
}
export const readPolicy = (options: EmitOptions) => policyChoice(options.readPolicy);
export const adminPolicy = (options: EmitOptions) => policyChoice(options.adminPolicy);

/** With `--users`, each person's role is `<user>-<role name>`: one role each (see docs/organizations.md). */
export const personRoleName = (user: string, roleName: string) => `${user}-${roleName}`;

/**
 * Replaces the placeholders in every string of a value (documents are plain JSON). `render` gets
 * the text around the placeholders and decides the target syntax; it returns the new string value.
 */
export function substitute(value: unknown, render: (text: string) => unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? render(value) : value;
  if (Array.isArray(value)) return value.map((item) => substitute(item, render));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, render)]));
  }
  return value;
}

/** Replaces the placeholders in a string by each format's spelling. */
export function replacePlaceholders(text: string, by: Record<Placeholder, string>): string {
  let out = text;
  for (const key of Object.keys(PLACEHOLDER) as Placeholder[]) out = out.split(PLACEHOLDER[key]).join(by[key]);
  return out;
}

/** The values of setup's flags as the target format spells them (literals or references). */
export interface SetupFlagValues {
  userName: string;
  roleName: string;
  policyName: string;
  readPolicy: string;
  adminPolicy: string;
  roleDuration: string;
  trust: string;
}

/** The command each person runs after the deployment: it adopts the user and role by their tags. */
export function personalSetupCommand(v: SetupFlagValues): string {
  return (
    `rolegate setup --user-name ${v.userName} --role-name ${v.roleName} --policy-name ${v.policyName} ` +
    `--read-policy ${v.readPolicy} --admin-policy ${v.adminPolicy} --role-duration ${v.roleDuration} --trust ${v.trust}`
  );
}

export const PERSONAL_PARTS_NOTE =
  'No MFA device and no access key are in it: they are personal. After the deployment each person runs ' +
  'rolegate setup with the same names (the setup command in the outputs), which adopts the user and role made here ' +
  '(recognised by their managed-by=rolegate tag, without --adopt), pairs their MFA device, creates their key ' +
  'and writes their profiles.';
