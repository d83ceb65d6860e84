import type { Command } from 'commander';

interface AuditFlags {
  local?: boolean;
  account?: boolean;
  profile?: string;
  json?: boolean;
  sarif?: boolean;
  failOn?: string;
}

export function register(program: Command): void {
  program
    .command('audit')
    .summary('find what is unsafe on this laptop and in the AWS account')
    .description(
      [
        'Find what would hand an attacker AWS access, on this machine and in the account.',
        '',
        'Local checks (offline):',
        '  - long-term keys in plaintext (which profile; the key age when the account',
        '    is checked too), also in the backups rolegate keeps (*.rolegate.bak)',
        '  - a root key (from rolegate\'s cached session identity, or STS)',
        '  - credentials, config and cache files other users can read or write',
        '  - long-term keys in the environment',
        '  - AWS secrets in shell history and start-up files (.bash_history,',
        '    .zsh_history, fish history, .bashrc, .zshrc, .profile, ...): file and',
        '    line only; the secret is never printed',
        '  - role profiles for admin-like roles without mfa_serial',
        '  - expired cached credentials (AWS CLI cache, rolegate cache)',
        '',
        'Account checks (read-only; SecurityAudit is enough):',
        '  - root user without MFA, root access keys present',
        '  - users with a console password and no MFA',
        '  - access keys older than 90 days or unused for 90 days (credential report)',
        '  - users with AdministratorAccess attached directly',
        '  - roles that trust an account or principal without an MFA condition',
        '    (service-linked roles and service principals are skipped)',
        '',
        'Each finding has a severity (critical, high, medium, low, info), where it is,',
        'and the command that fixes it. Both scopes run unless --local or --account',
        'is given. With both, keys found on disk are looked up (owner and age);',
        '--local alone makes no network call. A `rolegate setup --store plain` setup',
        'keeps its key in plaintext by choice: that is one medium finding, so',
        '`--fail-on high` passes it; the keychain and file stores leave no finding.',
        '',
        'An account check that could not run (AWS unreachable, no credentials, a',
        'call denied) is named in a note; with --account or --fail-on audit then',
        'exits 1: it never passes an account it did not check. A silent endpoint',
        'ends the audit within about 46 s (see README, Timeouts).',
      ].join('\n'),
    )
    .option('--local', 'check this machine only (offline)')
    .option('--account', 'check the AWS account only')
    .option('--profile <name>', 'profile for the account checks (default: the default credential chain)')
    .option('--json', 'print findings as JSON')
    .option('--sarif', 'print findings as SARIF 2.1.0 (for code-scanning dashboards)')
    .option('--fail-on <severity>', 'exit with status 1 when a finding at or above this severity exists (critical, high, medium, low, info), or when an account check could not run; without it (and without --account), audit reports and exits 0')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate audit                              both scopes, findings for people
  $ rolegate audit --local                      this machine only, no network
  $ rolegate audit --account --profile admin    the account, with the admin role's credentials
  $ rolegate audit --fail-on high               exit 1 on any high or critical finding (CI)
  $ rolegate audit --sarif > rolegate.sarif     upload to a SARIF viewer`,
    )
    .action(async (flags: AuditFlags) => {
      const { badInput } = await import('../userError.js');
      const { isSeverity, atOrAbove, SEVERITIES } = await import('../audit/finding.js');
      if (flags.json && flags.sarif) throw badInput('--json and --sarif cannot be combined', 'choose one output format');
      if (flags.failOn !== undefined && !isSeverity(flags.failOn)) {
        throw badInput(`--fail-on ${flags.failOn} is not a severity`, `use one of: ${[...SEVERITIES].reverse().join(', ')}`);
      }
      const both = !flags.local && !flags.account;
      const { runAudit } = await import('../audit/runAudit.js');
      const report = await runAudit({ local: both || Boolean(flags.local), account: both || Boolean(flags.account), profile: flags.profile, env: process.env });
      const { color, printJson, terminalSafe } = await import('./output.js');
      if (flags.sarif) {
        const { toSarif } = await import('../audit/sarif.js');
        const { createRequire } = await import('node:module');
        const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };
        printJson(toSarif(report.findings, { version }));
        for (const note of report.notes) process.stderr.write(`rolegate: note: ${note}\n`);
      } else if (flags.json) {
        const counts = Object.fromEntries([...SEVERITIES].reverse().map((s) => [s, report.findings.filter((f) => f.severity === s).length]));
        printJson({ ...report, counts });
      } else {
        const paint = (severity: string) =>
          severity === 'critical' || severity === 'high' ? color.red(severity.toUpperCase()) : severity === 'medium' ? color.yellow(severity.toUpperCase()) : severity.toUpperCase();
        const out: string[] = [];
        for (const f of report.findings) {
          out.push(`${paint(f.severity)}  ${terminalSafe(f.title)}`, `  rule:  ${f.id}`, `  where: ${terminalSafe(f.where)}`, `  fix:   ${terminalSafe(f.fix)}`, '');
        }
        const counts = [...SEVERITIES].reverse().map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
        const checked = report.unchecked.length ? `${[...report.scopes.filter((s) => s !== 'account'), 'account incompletely'].join(' and ')} checked` : `${report.scopes.join(' and ')} checked`;
        out.push(
          report.findings.length === 0
            ? report.unchecked.length
              ? `no findings, but the account was not fully checked (${checked})`
              : color.green(`no findings (${checked})`)
            : `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')} (${checked})`,
        );
        for (const note of report.notes) out.push(color.dim(`note: ${note}`));
        process.stdout.write(out.join('\n') + '\n');
      }
      if (flags.failOn && isSeverity(flags.failOn) && atOrAbove(report.findings, flags.failOn).length > 0) process.exitCode = 1;
      // An account that was asked for, or a --fail-on gate, never passes on checks that did not run.
      if (report.unchecked.length && (flags.account || flags.failOn)) {
        process.stderr.write(`rolegate: the account audit is incomplete: ${report.unchecked.length} check(s) did not run (see the notes)\n  next: fix what the notes name (network, credentials), then run rolegate audit again\n`);
        process.exitCode = 1;
      }
    });
}
