/** One problem audit found: how bad, what, where, and the exact command that fixes it. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type FindingScope = 'local' | 'account';

export interface Finding {
  /** Stable rule id, e.g. `local.plaintext-key`; SARIF ruleId. */
  id: string;
  scope: FindingScope;
  severity: Severity;
  /** What is wrong, in one sentence. Never contains a secret. */
  title: string;
  /** Where: a file (and line), a profile, an environment variable, or an IAM entity ARN/name. */
  where: string;
  /** For SARIF: a file path and 1-based line, when the finding is in a file. */
  location?: { file: string; line?: number };
  /** How to fix it: the exact rolegate or aws command (or console step where no API exists). */
  fix: string;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

export function atOrAbove(findings: Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => severityRank(f.severity) >= severityRank(threshold));
}

/** Worst first, then by scope, rule and place, so output is stable. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.scope.localeCompare(b.scope) ||
      a.id.localeCompare(b.id) ||
      a.where.localeCompare(b.where),
  );
}
