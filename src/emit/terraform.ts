import { hclString } from './hclString.js';
import {
  adminPolicy,
  designDocuments,
  DESIGN_TAGS,
  PERSONAL_PARTS_NOTE,
  personalSetupCommand,
  personRoleName,
  readPolicy,
  PLACEHOLDER,
  type PolicyChoice,
  type Placeholder,
  ROLE_DESCRIPTION,
  substitute,
  type EmitOptions,
} from './iamDesign.js';

/** An HCL expression written as it is (a reference, a call), not as a string. */
class Expr {
  constructor(readonly text: string) {}
}
const expr = (text: string) => new Expr(text);

/** A quoted HCL template: `${` and `%{` of the text are escaped; `${...}` parts come from `interpolations`. */
const quoted = hclString;

/** An HCL string whose placeholders become interpolations. */
function template(text: string, by: Record<Placeholder, string>): Expr {
  let out = quoted(text);
  // JSON.stringify spelled each placeholder's NUL characters as \u0000
  for (const key of Object.keys(PLACEHOLDER) as Placeholder[]) out = out.split(JSON.stringify(PLACEHOLDER[key]).slice(1, -1)).join(by[key]);
  return expr(out);
}

function value(item: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (item instanceof Expr) return item.text;
  if (typeof item === 'string') return quoted(item);
  if (typeof item === 'number' || typeof item === 'boolean') return String(item);
  if (Array.isArray(item)) {
    if (item.length === 0) return '[]';
    return `[\n${item.map((element) => `${pad}  ${value(element, indent + 2)},`).join('\n')}\n${pad}]`;
  }
  const entries = Object.entries(item as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([key, element]) => `${pad}  ${objectKey(key)} = ${value(element, indent + 2)}`).join('\n')}\n${pad}}`;
}

const objectKey = (key: string) => (/^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key));

/** A block: `type "label" ... { attributes }`; attribute values that are Blocks become nested blocks. */
class Block {
  constructor(
    readonly head: string,
    readonly body: Array<[string, unknown]>,
  ) {}
}
const block = (head: string, body: Array<[string, unknown]>) => new Block(head, body);

function renderBlock(b: Block, indent = 0): string {
  const pad = ' '.repeat(indent);
  const width = Math.max(0, ...b.body.filter(([k, v]) => !(v instanceof Block) && !k.startsWith('#')).map(([k]) => k.length));
  const lines = b.body.map(([key, item]) => {
    if (key.startsWith('#')) return `${pad}  ${key}`;
    return item instanceof Block ? renderBlock(item, indent + 2) : `${pad}  ${key.padEnd(width)} = ${value(item, indent + 2)}`;
  });
  return lines.length === 0 ? `${pad}${b.head} {}` : `${pad}${b.head} {\n${lines.join('\n')}\n${pad}}`;
}

/** How the resources of the single user or of each person (`for_each`) are addressed. */
interface Shape {
  many: boolean;
  userName: Expr;
  roleName: Expr;
  userRef: string;
  roleRef: string;
}

/**
 * The Terraform configuration of what `rolegate setup` builds, without the personal parts (MFA
 * device, access key). Variables carry setup's flags; with `--users`, `for_each` over the people.
 */
export function renderTerraform(options: EmitOptions): string {
  const many = options.users !== undefined;
  const shape: Shape = many
    ? {
        many,
        userName: expr('each.key'),
        roleName: expr(JSON.stringify(personRoleName('${each.key}', '${var.role_name}'))),
        userRef: 'aws_iam_user.read_only[each.key].name',
        roleRef: 'aws_iam_role.admin[each.key].name',
      }
    : { many, userName: expr('var.user_name'), roleName: expr('var.role_name'), userRef: 'aws_iam_user.read_only.name', roleRef: 'aws_iam_role.admin.name' };
  const by = { partition: '${data.aws_partition.current.partition}', account: '${data.aws_caller_identity.current.account_id}', user: `\${${shape.userRef}}`, role: `\${${shape.roleRef}}` };
  const documents = designDocuments();
  const hcl = (doc: unknown) => substitute(doc, (text) => template(text, by));
  const forEach: Array<[string, unknown]> = many ? [['for_each', expr('var.users')]] : [];
  const tags = Object.fromEntries(DESIGN_TAGS.map((t) => [t.Key, t.Value]));
  const name = (v: string) => expr(`var.${v}`);

  const blocks: Block[] = [
    block('terraform', [['required_providers', block('required_providers', [['aws', { source: 'hashicorp/aws', version: '>= 5.0' }]])]]),
    ...variables(options),
    block('data "aws_caller_identity" "current"', []),
    block('data "aws_partition" "current"', []),
    block('locals', [
      ['# an AWS managed policy by name, its ARN in the partition the provider is in (aws, aws-us-gov, aws-cn)', undefined],
      ['read_policy_arn', expr(policyArnExpression('read_policy'))],
      ['admin_policy_arn', expr(policyArnExpression('admin_policy'))],
    ]),
    block('resource "aws_iam_user" "read_only"', [
      ...forEach,
      ['name', shape.userName],
      ['tags', tags],
      ['# rolegate setup tags each key it creates on the user (the description the console shows)', undefined],
      ['lifecycle', block('lifecycle', [['ignore_changes', expr('[tags]')]])],
    ]),
    block('resource "aws_iam_user_policy_attachment" "read_only"', [...forEach, ['user', expr(shape.userRef)], ['policy_arn', expr('local.read_policy_arn')]]),
    block('resource "aws_iam_role" "admin"', [
      ...forEach,
      ['name', shape.roleName],
      ['description', ROLE_DESCRIPTION],
      ['max_session_duration', name('role_duration')],
      ['assume_role_policy', expr(`var.trust == "user" ? jsonencode(${value(hcl(documents.trust.user), 2)}) : jsonencode(${value(hcl(documents.trust.account), 2)})`)],
      ['tags', tags],
    ]),
    block('resource "aws_iam_role_policy_attachment" "admin"', [...forEach, ['role', expr(shape.roleRef)], ['policy_arn', expr('local.admin_policy_arn')]]),
    block('resource "aws_iam_user_policy" "assume_admin"', [
      ...forEach,
      ['name', name('policy_name')],
      ['user', expr(shape.userRef)],
      ['policy', expr(`jsonencode(${value(hcl(documents.assumeRole), 2)})`)],
    ]),
    ...outputs(shape),
  ];
  const header = [
    `# Generated by rolegate setup --emit terraform${many ? ` --users ${options.users!.join(',')}` : ''}.`,
    '# The AWS provider is yours: one per account (docs/organizations.md).',
    ...wrap(PERSONAL_PARTS_NOTE, 96).map((line) => `# ${line}`),
  ];
  return `${header.join('\n')}\n\n${blocks.map((b) => renderBlock(b)).join('\n\n')}\n`;
}

/** `arn:...` as given, else an AWS managed policy's name (path) in the provider's partition. */
function policyArnExpression(variable: string): string {
  return `startswith(var.${variable}, "arn:") ? var.${variable} : "arn:\${data.aws_partition.current.partition}:iam::aws:policy/\${var.${variable}}"`;
}

const policyDefault = (choice: PolicyChoice) => ('awsManaged' in choice ? choice.awsManaged : choice.arn);

function variables(options: EmitOptions): Block[] {
  const variable = (name: string, description: string, type: string, fallback: unknown, validation?: [string, string]) =>
    block(`variable "${name}"`, [
      ['description', description],
      ['type', expr(type)],
      ['default', fallback],
      ...(validation ? ([['validation', block('validation', [['condition', expr(validation[0])], ['error_message', validation[1]]])]] as Array<[string, unknown]>) : []),
    ]);
  const nameRule = (v: string, max: number): [string, string] => [`can(regex("^[\\\\w+=,.@-]{1,${max}}$", var.${v}))`, `IAM allows 1-${max} characters of letters, digits and + = , . @ _ -.`];
  return [
    options.users
      ? variable('users', 'One read-only user per person, each with an admin role named <user>-<role_name>', 'set(string)', options.users, [
          'alltrue([for u in var.users : can(regex("^[\\\\w+=,.@-]{1,64}$", u))])',
          'IAM user names are 1-64 characters of letters, digits and + = , . @ _ -.',
        ])
      : variable('user_name', "The read-only IAM user (setup's --user-name)", 'string', options.userName, nameRule('user_name', 64)),
    variable('role_name', options.users ? "Each person's admin role is <user>-<role_name> (setup's --role-name)" : "The admin role (setup's --role-name)", 'string', options.roleName, nameRule('role_name', 64)),
    variable('policy_name', "The user's inline policy that allows assuming the role (setup's --policy-name)", 'string', options.policyName, nameRule('policy_name', 128)),
    variable('read_policy', "The managed policy attached to the user: an AWS managed policy's name, or an ARN (setup's --read-policy)", 'string', policyDefault(readPolicy(options))),
    variable('admin_policy', "The managed policy attached to the role: an AWS managed policy's name, or an ARN (setup's --admin-policy)", 'string', policyDefault(adminPolicy(options))),
    variable('role_duration', "Maximum session duration of the role in seconds (setup's --role-duration)", 'number', options.roleDuration, [
      'var.role_duration >= 3600 && var.role_duration <= 43200',
      'IAM allows 3600 to 43200 seconds.',
    ]),
    variable('trust', "Who the role trusts, with MFA: the account, or the user alone (setup's --trust)", 'string', options.trust, [
      'contains(["account", "user"], var.trust)',
      'Use account or user.',
    ]),
  ];
}

function outputs(shape: Shape): Block[] {
  const command = (user: string, role: string) =>
    quoted(
      personalSetupCommand({
        userName: '\u0001user',
        roleName: '\u0001role',
        policyName: '\u0001policy',
        readPolicy: '\u0001read',
        adminPolicy: '\u0001admin',
        roleDuration: '\u0001duration',
        trust: '\u0001trust',
      }),
    )
      .replace('\\u0001user', `\${${user}}`)
      .replace('\\u0001role', `\${${role}}`)
      .replace('\\u0001policy', '${var.policy_name}')
      .replace('\\u0001read', '${var.read_policy}')
      .replace('\\u0001admin', '${var.admin_policy}')
      .replace('\\u0001duration', '${var.role_duration}')
      .replace('\\u0001trust', '${var.trust}');
  const output = (name: string, description: string, text: string) => block(`output "${name}"`, [['description', description], ['value', expr(text)]]);
  const account = 'data.aws_caller_identity.current.account_id';
  const partition = 'data.aws_partition.current.partition';
  if (!shape.many) {
    return [
      output('user_arn', 'The read-only user', 'aws_iam_user.read_only.arn'),
      output('role_arn', 'The admin role (assumable only with MFA)', 'aws_iam_role.admin.arn'),
      output('mfa_serial', 'The MFA device rolegate setup will pair for this user', `"arn:\${${partition}}:iam::\${${account}}:mfa/\${aws_iam_user.read_only.name}"`),
      output('setup_command', 'Run by the person, with bootstrap credentials: adopts user and role, adds MFA device, key and profiles', command('aws_iam_user.read_only.name', 'aws_iam_role.admin.name')),
    ];
  }
  return [
    output('user_arns', 'The read-only users, by person', '{ for person, user in aws_iam_user.read_only : person => user.arn }'),
    output('role_arns', 'The admin roles (assumable only with MFA), by person', '{ for person, role in aws_iam_role.admin : person => role.arn }'),
    output('mfa_serials', 'The MFA devices rolegate setup will pair, by person', `{ for person, user in aws_iam_user.read_only : person => "arn:\${${partition}}:iam::\${${account}}:mfa/\${user.name}" }`),
    output('setup_commands', 'Run by each person, with bootstrap credentials: adopts user and role, adds MFA device, key and profiles',
      `{ for person, user in aws_iam_user.read_only : person => ${command('user.name', 'aws_iam_role.admin[person].name')} }`),
  ];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}
