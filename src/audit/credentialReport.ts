/** IAM's credential report (CSV), parsed, and the findings it holds about users and their keys. */
import type { Finding } from './finding.js';

export type ReportRow = Record<string, string>;

/** The report has no quoted fields (IAM names cannot hold commas), but handle quotes anyway. */
export function parseCredentialReport(csv: string): ReportRow[] {
  const lines = csv.replace(/\r/g, '').split('\n').filter((l) => l.trim() !== '');
  const split = (line: string) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') cells.push(cell), (cell = '');
      else cell += c;
    }
    cells.push(cell);
    return cells;
  };
  const [header, ...rows] = lines;
  if (!header) return [];
  const names = split(header);
  return rows.map((line) => {
    const cells = split(line);
    return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? '']));
  });
}

function date(value: string | undefined): Date | undefined {
  if (!value || value === 'N/A' || value === 'no_information' || value === 'not_supported') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const DAY = 86_400_000;
export const KEY_AGE_LIMIT_DAYS = 90;

export interface KeyProblem {
  user: string;
  slot: 1 | 2;
  rotated: Date;
  kind: 'old' | 'unused';
  days: number;
}

/** Active keys rotated more than 90 days ago, and keys not used for 90 days (never used counts from creation). */
export function keyProblems(rows: ReportRow[], now: Date): KeyProblem[] {
  const problems: KeyProblem[] = [];
  for (const row of rows) {
    const user = row.user ?? '';
    if (user === '<root_account>') continue;
    for (const slot of [1, 2] as const) {
      if (row[`access_key_${slot}_active`] !== 'true') continue;
      const rotated = date(row[`access_key_${slot}_last_rotated`]);
      if (!rotated) continue;
      const ageDays = Math.floor((now.getTime() - rotated.getTime()) / DAY);
      if (ageDays > KEY_AGE_LIMIT_DAYS) problems.push({ user, slot, rotated, kind: 'old', days: ageDays });
      const lastUsed = date(row[`access_key_${slot}_last_used_date`]) ?? rotated;
      const idleDays = Math.floor((now.getTime() - lastUsed.getTime()) / DAY);
      if (idleDays > KEY_AGE_LIMIT_DAYS) problems.push({ user, slot, rotated, kind: 'unused', days: idleDays });
    }
  }
  return problems;
}

export function consoleWithoutMfa(rows: ReportRow[]): string[] {
  return rows
    .filter((r) => r.user !== '<root_account>' && r.password_enabled === 'true' && r.mfa_active !== 'true')
    .map((r) => r.user ?? '');
}

export function consoleWithoutMfaFinding(user: string, arn: string | undefined): Finding {
  return {
    id: 'account.console-without-mfa',
    scope: 'account',
    severity: 'high',
    title: `IAM user ${user} can sign in to the console with a password and has no MFA device`,
    where: arn ?? `user/${user}`,
    fix: `aws iam delete-login-profile --user-name ${user}   # or, if ${user} needs the console, assign an MFA device: aws iam enable-mfa-device --user-name ${user} ...`,
  };
}
