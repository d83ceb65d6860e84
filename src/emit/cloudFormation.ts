import {
  adminPolicy,
  designDocuments,
  DESIGN_TAGS,
  PERSONAL_PARTS_NOTE,
  personalSetupCommand,
  personRoleName,
  readPolicy,
  replacePlaceholders,
  type PolicyChoice,
  ROLE_DESCRIPTION,
  substitute,
  type EmitOptions,
} from './iamDesign.js';
import { renderYaml } from './yaml.js';

type Template = Record<string, unknown>;

const NAME_PATTERN = '[\\w+=,.@-]+';
const POLICY_ARN_PATTERN = 'arn:aws[\\w-]*:iam::(aws|\\d{12}):policy/[\\w+=,.@/-]+';
const MANAGED_NAME_PATTERN = '[\\w+=,.@-]+(/[\\w+=,.@-]+)*';

/** One person's resources: logical ids, and the user's name as the template spells it. */
interface Person {
  prefix: string;
  userName: unknown;
  roleName: unknown;
}

/**
 * The CloudFormation template of what `rolegate setup` builds, without the personal parts (MFA
 * device, access key): the read-only user with its managed policy and inline AssumeRole-with-MFA
 * policy, the admin role with its MFA-gated trust, the tags. Parameters carry setup's flags.
 */
export function cloudFormationTemplate(options: EmitOptions): Template {
  const many = options.users !== undefined;
  const people: Person[] = many
    ? logicalPrefixes(options.users!).map((prefix, i) => ({
        prefix,
        userName: options.users![i]!,
        roleName: { 'Fn::Sub': personRoleName(options.users![i]!, '${RoleName}') },
      }))
    : [{ prefix: '', userName: { Ref: 'UserName' }, roleName: { Ref: 'RoleName' } }];

  const parameters: Template = {
    ...(many
      ? {}
      : { UserName: { Type: 'String', Default: options.userName, Description: "The read-only IAM user (setup's --user-name)", AllowedPattern: NAME_PATTERN, MinLength: 1, MaxLength: 64 } }),
    RoleName: {
      Type: 'String',
      Default: options.roleName,
      Description: many ? "Each person's admin role is named <user>-<RoleName> (setup's --role-name)" : "The admin role (setup's --role-name)",
      AllowedPattern: NAME_PATTERN,
      MinLength: 1,
      MaxLength: 64,
    },
    PolicyName: { Type: 'String', Default: options.policyName, Description: "The user's inline policy that allows assuming the role (setup's --policy-name)", AllowedPattern: NAME_PATTERN, MinLength: 1, MaxLength: 128 },
    ReadPolicy: policyParameter(readPolicy(options), "the managed policy attached to the user (setup's --read-policy)"),
    AdminPolicy: policyParameter(adminPolicy(options), "the managed policy attached to the role (setup's --admin-policy)"),
    RoleDuration: { Type: 'Number', Default: options.roleDuration, Description: "Maximum session duration of the role in seconds (setup's --role-duration)", MinValue: 3600, MaxValue: 43200 },
    Trust: { Type: 'String', Default: options.trust, Description: "Who the role trusts, with MFA: the account, or the user alone (setup's --trust)", AllowedValues: ['account', 'user'] },
  };

  const resources: Template = {};
  const outputs: Template = {};
  const policies = { read: policyReference(readPolicy(options), 'ReadPolicy'), admin: policyReference(adminPolicy(options), 'AdminPolicy') };
  for (const person of people) Object.assign(resources, personResources(person, policies));
  for (const person of people) Object.assign(outputs, personOutputs(person));

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `rolegate: ${many ? 'for each person, a' : 'a'} read-only IAM user that may assume ${many ? 'its own' : 'an'} admin role only with MFA. ${PERSONAL_PARTS_NOTE}`,
    Parameters: parameters,
    Conditions: { TrustUser: { 'Fn::Equals': [{ Ref: 'Trust' }, 'user'] } },
    Resources: resources,
    Outputs: outputs,
  };
}

/** An AWS managed policy is a parameter of its name, its ARN built in the stack's partition; any other an ARN. */
function policyParameter(choice: PolicyChoice, what: string): Template {
  return 'awsManaged' in choice
    ? { Type: 'String', Default: choice.awsManaged, Description: `Name (path) of the AWS managed policy: ${what}`, AllowedPattern: MANAGED_NAME_PATTERN }
    : { Type: 'String', Default: choice.arn, Description: `ARN of ${what}`, AllowedPattern: POLICY_ARN_PATTERN };
}

function policyReference(choice: PolicyChoice, parameter: string): unknown {
  return 'awsManaged' in choice ? { 'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/\${${parameter}}` } : { Ref: parameter };
}

function personResources(person: Person, policies: { read: unknown; admin: unknown }): Template {
  const { prefix } = person;
  const userId = `${prefix}User`;
  const roleId = `${prefix}AdminRole`;
  const documents = designDocuments();
  // ${User} and ${AdminRole} resolve to the names and make CloudFormation create them first
  const sub = (doc: unknown) =>
    substitute(doc, (text) => ({ 'Fn::Sub': replacePlaceholders(text.replaceAll('${', '${!'), { partition: '${AWS::Partition}', account: '${AWS::AccountId}', user: `\${${userId}}`, role: `\${${roleId}}` }) }));
  return {
    [userId]: {
      Type: 'AWS::IAM::User',
      Properties: { UserName: person.userName, ManagedPolicyArns: [policies.read], Tags: DESIGN_TAGS },
    },
    [`${prefix}AssumeRolePolicy`]: {
      Type: 'AWS::IAM::UserPolicy',
      Properties: { UserName: { Ref: userId }, PolicyName: { Ref: 'PolicyName' }, PolicyDocument: sub(documents.assumeRole) },
    },
    [roleId]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: person.roleName,
        Description: ROLE_DESCRIPTION,
        MaxSessionDuration: { Ref: 'RoleDuration' },
        AssumeRolePolicyDocument: { 'Fn::If': ['TrustUser', sub(documents.trust.user), sub(documents.trust.account)] },
        ManagedPolicyArns: [policies.admin],
        Tags: DESIGN_TAGS,
      },
    },
  };
}

function personOutputs(person: Person): Template {
  const { prefix } = person;
  const command = personalSetupCommand({
    userName: `\${${prefix}User}`,
    roleName: `\${${prefix}AdminRole}`,
    policyName: '${PolicyName}',
    readPolicy: '${ReadPolicy}',
    adminPolicy: '${AdminPolicy}',
    roleDuration: '${RoleDuration}',
    trust: '${Trust}',
  });
  return {
    [`${prefix}UserArn`]: { Description: 'The read-only user', Value: { 'Fn::GetAtt': [`${prefix}User`, 'Arn'] } },
    [`${prefix}RoleArn`]: { Description: 'The admin role (assumable only with MFA)', Value: { 'Fn::GetAtt': [`${prefix}AdminRole`, 'Arn'] } },
    [`${prefix}MfaSerial`]: { Description: 'The MFA device rolegate setup will pair for this user', Value: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:mfa/\${${prefix}User}` } },
    [`${prefix}SetupCommand`]: { Description: 'Run by the person, with bootstrap credentials: adopts user and role, adds MFA device, key and profiles', Value: { 'Fn::Sub': command } },
  };
}

/** Logical-id prefixes from user names: letters and digits only, unique. */
export function logicalPrefixes(users: string[]): string[] {
  const seen = new Set<string>();
  return users.map((user, i) => {
    const base = user.replace(/[^A-Za-z0-9]/g, '');
    let prefix = base.charAt(0).toUpperCase() + base.slice(1) || `Person${i + 1}`;
    if (/^\d/.test(prefix)) prefix = `Person${prefix}`;
    while (seen.has(prefix)) prefix = `${prefix}${i + 1}`;
    seen.add(prefix);
    return prefix;
  });
}

export function renderCloudFormation(options: EmitOptions): string {
  return renderYaml(cloudFormationTemplate(options), [
    `Generated by rolegate setup --emit cloudformation${options.users ? ` --users ${options.users.join(',')}` : ''}.`,
    'Deploy it as a stack, or with a service-managed StackSet to every account of an organization',
    '(docs/organizations.md). It holds no MFA device and no access key: after the deployment each',
    'person runs the SetupCommand output with their own bootstrap credentials.',
  ]);
}
