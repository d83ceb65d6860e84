/**
 * Account findings, read-only (the calls SecurityAudit allows): root MFA and root keys, console
 * users without MFA, stale keys, AdministratorAccess attached to users, roles assumable without MFA.
 * A check that IAM refuses is reported as a note, not as a finding and not as a crash.
 */
import {
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  ListAccessKeysCommand,
  ListEntitiesForPolicyCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import type { Finding } from './finding.js';
import { isUserError } from '../userError.js';
import { consoleWithoutMfa, consoleWithoutMfaFinding, keyProblems, parseCredentialReport, type ReportRow } from './credentialReport.js';
import { trustPolicyMfaGaps } from './mfaRequirement.js';

export interface AccountAuditResult {
  findings: Finding[];
  /** Checks that could not run, and why (AccessDenied, not implemented, ...). */
  notes: string[];
}

export interface AccountAuditOptions {
  now?: Date;
  partition?: string;
  accountId?: string;
  /** How long to wait for IAM to generate the credential report. */
  reportTimeoutMs?: number;
}

function errorText(error: unknown): string {
  if (isUserError(error)) return error.message;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return `${e.name ?? 'Error'}${e.message ? `: ${e.message.split('\n')[0]}` : ''}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rootFindings(iam: IAMClient, arnRoot: string): Promise<Finding[]> {
  const { SummaryMap = {} } = await iam.send(new GetAccountSummaryCommand({}));
  const findings: Finding[] = [];
  if (SummaryMap.AccountMFAEnabled !== 1) {
    findings.push({
      id: 'account.root-mfa-off',
      scope: 'account',
      severity: 'critical',
      title: 'The account root user has no MFA device',
      where: arnRoot,
      fix: 'sign in as the root user, open https://console.aws.amazon.com/iam/home#/security_credentials and assign an MFA device (no API can do this)',
    });
  }
  if (SummaryMap.AccountAccessKeysPresent === 1) {
    findings.push({
      id: 'account.root-access-keys',
      scope: 'account',
      severity: 'critical',
      title: 'The account root user has access keys',
      where: arnRoot,
      fix: 'rolegate setup --bootstrap-profile ROOT_PROFILE --delete-root-keys   # or, signed in as root: aws iam delete-access-key --access-key-id ROOT_KEY_ID',
    });
  }
  return findings;
}

async function credentialReport(iam: IAMClient, timeoutMs: number): Promise<ReportRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 500; ; wait = Math.min(wait * 2, 4000)) {
    const { State } = await iam.send(new GenerateCredentialReportCommand({}));
    if (State === 'COMPLETE') break;
    if (Date.now() > deadline) break; // try to read whatever report exists
    // moto (and a report that already exists) answer STARTED and still have one ready
    try {
      const { Content } = await iam.send(new GetCredentialReportCommand({}));
      if (Content) return parseCredentialReport(Buffer.from(Content).toString('utf8'));
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (!/ReportNotPresent|ReportInProgress|CredentialReportNotReady|ReportExpired/i.test(name)) throw error;
    }
    await sleep(wait);
  }
  const { Content } = await iam.send(new GetCredentialReportCommand({}));
  return parseCredentialReport(Buffer.from(Content ?? new Uint8Array()).toString('utf8'));
}

/** The report names keys by slot (1, 2), not by id: match the creation time, else the slot in creation order. */
async function keyIdFor(iam: IAMClient, user: string, rotated: Date, slot: 1 | 2): Promise<string | undefined> {
  try {
    const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName: user }));
    const byDate = AccessKeyMetadata.find((k) => k.CreateDate && Math.abs(k.CreateDate.getTime() - rotated.getTime()) < 2000);
    const inOrder = [...AccessKeyMetadata].sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0));
    return (byDate ?? inOrder[slot - 1])?.AccessKeyId;
  } catch {
    return undefined;
  }
}

async function reportFindings(iam: IAMClient, rows: ReportRow[], now: Date): Promise<Finding[]> {
  const findings: Finding[] = [];
  const arnOf = (user: string) => rows.find((r) => r.user === user)?.arn;
  for (const user of consoleWithoutMfa(rows)) findings.push(consoleWithoutMfaFinding(user, arnOf(user)));
  for (const problem of keyProblems(rows, now)) {
    const keyId = (await keyIdFor(iam, problem.user, problem.rotated, problem.slot)) ?? 'KEY_ID';
    const masked = keyId === 'KEY_ID' ? `key ${problem.slot}` : `key ${keyId.slice(0, 4)}…${keyId.slice(-4)}`;
    const old = problem.kind === 'old';
    findings.push({
      id: old ? 'account.old-access-key' : 'account.unused-access-key',
      scope: 'account',
      severity: 'medium',
      title: old
        ? `IAM user ${problem.user}'s access ${masked} is ${problem.days} days old (more than 90)`
        : `IAM user ${problem.user}'s access ${masked} has not been used for ${problem.days} days (more than 90)`,
      where: arnOf(problem.user) ?? `user/${problem.user}`,
      fix: old
        ? `rolegate rotate   # if it is rolegate's key; otherwise: aws iam create-access-key --user-name ${problem.user}, switch to it, then aws iam delete-access-key --user-name ${problem.user} --access-key-id ${keyId}`
        : `aws iam update-access-key --user-name ${problem.user} --access-key-id ${keyId} --status Inactive   # then, if nothing breaks: aws iam delete-access-key --user-name ${problem.user} --access-key-id ${keyId}`,
    });
  }
  return findings;
}

async function adminUserFindings(iam: IAMClient, partition: string): Promise<Finding[]> {
  const policyArn = `arn:${partition}:iam::aws:policy/AdministratorAccess`;
  const findings: Finding[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn, EntityFilter: 'User', Marker }));
    for (const user of page.PolicyUsers ?? []) {
      findings.push({
        id: 'account.user-with-admin-policy',
        scope: 'account',
        severity: 'high',
        title: `IAM user ${user.UserName} has AdministratorAccess attached directly: its long-term key is an admin key`,
        where: `user/${user.UserName}`,
        fix: `aws iam detach-user-policy --user-name ${user.UserName} --policy-arn ${policyArn}   # and elevate through an MFA-gated role instead: rolegate setup`,
      });
    }
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  return findings;
}

/** rolegate tags what it creates `managed-by = rolegate` (ListRoles does not return tags: ask per role). */
async function managedByRolegate(iam: IAMClient, roleName: string): Promise<boolean> {
  try {
    const { Tags = [] } = await iam.send(new ListRoleTagsCommand({ RoleName: roleName }));
    return Tags.some((t) => t.Key === 'managed-by' && t.Value === 'rolegate');
  } catch {
    return false;
  }
}

/**
 * Anyone, an account, or a user: high in this account, medium for another account. Only role
 * principals (role chaining, CI): low, since a role session rarely carries MFA; what matters
 * there is that the trusted role is itself gated.
 */
export function trustSeverity(principals: string[], accountId: string | undefined): Finding['severity'] {
  const isRole = (p: string) => /^arn:[^:]+:(iam::\d{12}:role\/|sts::\d{12}:assumed-role\/)/.test(p);
  if (principals.every(isRole)) return 'low';
  const own = principals.some((p) => !isRole(p) && (p === '*' || !accountId || p.includes(accountId)));
  return own ? 'high' : 'medium';
}

function roleFinding(role: Role, accountId: string | undefined, ours: boolean): Finding[] {
  if ((role.Path ?? '/').startsWith('/aws-service-role/') || !role.AssumeRolePolicyDocument) return [];
  let gaps;
  try {
    gaps = trustPolicyMfaGaps(role.AssumeRolePolicyDocument);
  } catch {
    return [];
  }
  return gaps.map((gap) => {
    const principals = gap.principals ?? [];
    const statement = gap.sid ? `"${gap.sid}"` : `#${gap.statement}`;
    return {
      id: 'account.role-trust-without-mfa',
      scope: 'account' as const,
      severity: trustSeverity(principals, accountId),
      title: `Role ${role.RoleName} can be assumed by ${principals.join(', ')} without MFA (trust policy statement ${statement})`,
      where: role.Arn ?? `role/${role.RoleName}`,
      fix: ours
        ? `rolegate setup --role-name ${role.RoleName}   # rolegate created this role: setup puts the MFA condition back (--plan shows the change first)`
        : `aws iam update-assume-role-policy --role-name ${role.RoleName} --policy-document file://trust.json   # trust.json: the current policy (aws iam get-role --role-name ${role.RoleName}) with "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}} on statement ${statement}`,
    };
  });
}

async function roleFindings(iam: IAMClient, accountId: string | undefined): Promise<Finding[]> {
  const findings: Finding[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker }));
    for (const role of page.Roles ?? []) {
      const found = roleFinding(role, accountId, false);
      if (found.length > 0 && (await managedByRolegate(iam, role.RoleName!))) findings.push(...roleFinding(role, accountId, true));
      else findings.push(...found);
    }
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  return findings;
}

export async function auditAccount(iam: IAMClient, options: AccountAuditOptions = {}): Promise<AccountAuditResult> {
  const now = options.now ?? new Date();
  const partition = options.partition ?? 'aws';
  const arnRoot = options.accountId ? `arn:${partition}:iam::${options.accountId}:root` : 'account root user';
  const findings: Finding[] = [];
  const notes: string[] = [];
  const attempt = async (what: string, run: () => Promise<Finding[]>) => {
    try {
      findings.push(...(await run()));
    } catch (error) {
      notes.push(`${what}: not checked (${errorText(error)})`);
    }
  };
  await attempt('root user MFA and access keys (iam:GetAccountSummary)', () => rootFindings(iam, arnRoot));
  await attempt('console passwords and access key age (credential report)', async () =>
    reportFindings(iam, await credentialReport(iam, options.reportTimeoutMs ?? 30_000), now),
  );
  await attempt('users with AdministratorAccess (iam:ListEntitiesForPolicy)', () => adminUserFindings(iam, partition));
  await attempt('role trust policies (iam:ListRoles)', () => roleFindings(iam, options.accountId));
  return { findings, notes };
}
