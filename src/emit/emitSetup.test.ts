import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitSetup, type EmitFlags } from './emitSetup.js';
import { UserError } from '../userError.js';

const FLAGS: EmitFlags = { userName: 'admin', roleName: 'admin', policyName: 'admin', readPolicy: 'SecurityAudit', adminPolicy: 'AdministratorAccess', roleDuration: '3600', trust: 'account' };

test('bad input is refused with the next step: format, --users without --emit, repeated or too long names', () => {
  const refused = (flags: Partial<EmitFlags>, message: RegExp) => assert.throws(() => emitSetup({ ...FLAGS, ...flags }), (e: unknown) => e instanceof UserError && message.test(e.message));
  refused({ emit: 'cdk' }, /invalid value "cdk" for --emit/);
  refused({ users: 'alice' }, /--users is for templates/);
  refused({ emit: 'terraform', users: 'alice,,bob' }, /empty name/);
  refused({ emit: 'terraform', users: 'alice,Alice' }, /names Alice twice/);
  refused({ emit: 'terraform', users: 'a'.repeat(60) }, /invalid role name/);
  refused({ emit: 'cloudformation', roleDuration: '60' }, /invalid role duration/);
});

test('terraform: placeholders all became interpolations; nothing of setup is left out', () => {
  const text = emitSetup({ ...FLAGS, emit: 'terraform', users: 'alice,bob' });
  assert.ok(!text.includes('\\u0000') && !text.includes('\u0000'));
  assert.match(text, /AWS = "arn:\$\{data\.aws_partition\.current\.partition\}:iam::\$\{data\.aws_caller_identity\.current\.account_id\}:user\/\$\{aws_iam_user\.read_only\[each\.key\]\.name\}"/);
  assert.match(text, /Resource = "arn:\$\{data\.aws_partition\.current\.partition\}:iam::\$\{data\.aws_caller_identity\.current\.account_id\}:role\/\$\{aws_iam_role\.admin\[each\.key\]\.name\}"/);
  assert.match(text, /"aws:MultiFactorAuthPresent" = "true"/);
  assert.doesNotMatch(text, /arn:aws:/, 'every ARN is built in the provider\'s partition');
  assert.match(text, /data "aws_partition" "current" \{\}/);
  assert.match(text, /name += "\$\{each\.key\}-\$\{var\.role_name\}"/);
  assert.match(text, /managed-by = "rolegate"/);
  assert.doesNotMatch(text, /aws_iam_access_key|aws_iam_virtual_mfa_device/);
});
