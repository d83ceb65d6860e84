import { badInput } from '../userError.js';
import { checkChoice, checkIamName, checkPolicyRef, checkRoleDuration } from '../setup/options.js';
import { renderCloudFormation } from './cloudFormation.js';
import { personRoleName, type EmitOptions } from './iamDesign.js';
import { renderTerraform } from './terraform.js';

export const EMIT_FORMATS = ['cloudformation', 'terraform'] as const;

/** The flags of `rolegate setup` that `--emit` uses (the rest concern the personal parts). */
export interface EmitFlags {
  emit?: string;
  users?: string;
  userName: string;
  roleName: string;
  policyName: string;
  readPolicy: string;
  adminPolicy: string;
  roleDuration: string;
  trust: string;
}

/** `rolegate setup --emit FORMAT [--users a,b,c]`: the template text. No AWS call, no credentials. */
export function emitSetup(flags: EmitFlags): string {
  if (flags.emit === undefined) throw badInput('--users is for templates: it needs --emit cloudformation or --emit terraform', 'add --emit, or drop --users');
  const format = checkChoice('--emit', flags.emit, EMIT_FORMATS);
  const options: EmitOptions = {
    userName: checkIamName('user', '--user-name', flags.userName, 64),
    roleName: checkIamName('role', '--role-name', flags.roleName, 64),
    policyName: checkIamName('policy', '--policy-name', flags.policyName, 128),
    readPolicy: checkPolicyRef('--read-policy', flags.readPolicy),
    adminPolicy: checkPolicyRef('--admin-policy', flags.adminPolicy),
    roleDuration: checkRoleDuration(flags.roleDuration),
    trust: checkChoice('--trust', flags.trust, ['account', 'user'] as const),
    users: flags.users === undefined ? undefined : checkUsers(flags.users, flags.roleName),
  };
  return format === 'cloudformation' ? renderCloudFormation(options) : renderTerraform(options);
}

function checkUsers(list: string, roleName: string): string[] {
  const users = list.split(',').map((user) => user.trim());
  if (users.length === 0 || users.some((user) => user === '')) throw badInput(`invalid --users ${JSON.stringify(list)}: empty name`, 'pass names separated by commas: --users alice,bob');
  for (const user of users) {
    checkIamName('user', '--users', user, 64);
    checkIamName('role', '--role-name (each role is <user>-<role name>)', personRoleName(user, roleName), 64);
  }
  const repeated = users.find((user, i) => users.findIndex((other) => other.toLowerCase() === user.toLowerCase()) !== i);
  // IAM names are unique without regard to case
  if (repeated) throw badInput(`--users names ${repeated} twice (IAM names ignore case)`, 'name each person once');
  return users;
}
