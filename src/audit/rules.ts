/** Every rule audit can report, with a one-line description (SARIF rule metadata, `--help`). */
import type { FindingScope, Severity } from './finding.js';

export interface Rule {
  id: string;
  scope: FindingScope;
  /** The usual severity; a finding may differ (e.g. a config file readable vs writable by others). */
  severity: Severity;
  description: string;
}

export const RULES: Rule[] = [
  { id: 'local.plaintext-key', scope: 'local', severity: 'medium', description: 'A long-term access key is stored in plaintext in the shared credentials or config file.' },
  { id: 'local.root-key', scope: 'local', severity: 'critical', description: 'A long-term access key on this machine belongs to the account root user.' },
  { id: 'local.foreign-owner', scope: 'local', severity: 'high', description: 'The shared config or credentials file, or a folder above it, belongs to another user, who could put a command in it that runs as you.' },
  { id: 'local.writable-path', scope: 'local', severity: 'high', description: 'A folder above the shared config or credentials file can be written by other users, who could replace the file with one holding a command that runs as you.' },
  { id: 'local.file-permissions', scope: 'local', severity: 'high', description: 'An AWS credentials, config or cache file can be read or written by other users.' },
  { id: 'local.env-long-term-key', scope: 'local', severity: 'high', description: 'A long-term access key is set in the environment.' },
  { id: 'local.secret-in-shell-file', scope: 'local', severity: 'high', description: 'An AWS secret (or key id) sits in shell history or a shell start-up file.' },
  { id: 'local.admin-role-without-mfa', scope: 'local', severity: 'high', description: 'A profile assumes an admin-like role without mfa_serial.' },
  { id: 'local.mfa-at-identity-provider', scope: 'local', severity: 'info', description: 'A profile assumes an admin-like role from an IAM Identity Center or console sign-in, where MFA happens at the identity provider, out of audit\'s sight.' },
  { id: 'local.unscanned-file', scope: 'local', severity: 'info', description: 'A shell history or start-up file could not be scanned: it is not a regular file, or too large.' },
  { id: 'local.expired-cache-entry', scope: 'local', severity: 'low', description: 'Expired cached credentials are left on disk.' },
  { id: 'account.root-mfa-off', scope: 'account', severity: 'critical', description: 'The account root user has no MFA device.' },
  { id: 'account.root-access-keys', scope: 'account', severity: 'critical', description: 'The account root user has access keys.' },
  { id: 'account.console-without-mfa', scope: 'account', severity: 'high', description: 'An IAM user has a console password and no MFA device.' },
  { id: 'account.old-access-key', scope: 'account', severity: 'medium', description: 'An active access key is older than 90 days.' },
  { id: 'account.unused-access-key', scope: 'account', severity: 'medium', description: 'An active access key has not been used for 90 days.' },
  { id: 'account.user-with-admin-policy', scope: 'account', severity: 'high', description: 'An IAM user has AdministratorAccess attached directly.' },
  { id: 'account.role-trust-without-mfa', scope: 'account', severity: 'high', description: 'A role trusts an account or principal for sts:AssumeRole without requiring MFA.' },
];
