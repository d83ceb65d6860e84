import type { Command } from 'commander';

interface VerifyFlags {
  profile?: string;
  adminProfile?: string;
  mfaCodeCommand?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('verify')
    .summary('prove the setup holds: reads work, writes are denied, admin needs MFA')
    .description(
      [
        'Prove the setup holds, and create nothing:',
        '  - the read-only profile is an IAM user that can read (ec2:DescribeInstances)',
        '    and cannot write (an EC2 DryRun call; IAM\'s policy simulator too, where',
        '    the account allows it)',
        '  - the user has an enabled MFA device, and the admin profile names it',
        '  - the admin profile, with one MFA code, yields the admin role, and the role',
        '    can write (EC2 DryRun)',
        '  - the role cannot be assumed without MFA: its trust policy and the user\'s',
        '    policies are read from IAM and checked, and simulated with',
        '    aws:MultiFactorAuthPresent=false where the simulator is available',
        'Print a table of checks (pass, fail or skip, with the reason).',
        'Exit status 1 when any check fails.',
      ].join('\n'),
    )
    .option('--profile <name>', "the read-only profile (default: the setup's; either flag names the setup, and with one setup on this machine neither is needed)")
    .option('--admin-profile <name>', "the admin role profile (default: the setup's)")
    .option('--mfa-code-command <cmd>', "a command that prints a current MFA code (default: the profile's mfa_process, else a prompt on the terminal)")
    .option('--json', 'print the checks as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate verify                                  check the setup's profiles (asks for one MFA code)
  $ rolegate verify --json                           machine-readable; exit status 1 on any failure
  $ rolegate verify --profile work --admin-profile work-admin
  $ rolegate verify --mfa-code-command 'ykman oath accounts code -s aws'`,
    )
    .action(async (flags: VerifyFlags) => {
      const { runVerify } = await import('../verify/verify.js');
      const { color, formatTable, printJson, terminalSafe } = await import('./output.js');
      const { resolveSetup } = await import('../setups/resolveSetup.js');
      const { names } = await resolveSetup(process.env, {
        command: 'verify',
        flags: { profile: '--profile', adminProfile: '--admin-profile' },
        given: { profile: flags.profile, adminProfile: flags.adminProfile },
      });
      const report = await runVerify({
        profile: names.profile,
        adminProfile: names.adminProfile,
        mfaCodeCommand: flags.mfaCodeCommand,
        env: process.env,
      });
      if (flags.json) printJson(report);
      else {
        const paint = (status: string) => (status === 'pass' ? color.green(status) : status === 'fail' ? color.red(status) : color.yellow(status));
        process.stdout.write(formatTable(['CHECK', 'RESULT', 'REASON'], report.checks.map((c) => [c.title, paint(c.status), terminalSafe(c.reason)])));
        const failed = report.checks.filter((c) => c.status === 'fail').length;
        process.stdout.write(
          failed === 0
            ? `\n${color.green('verified')}: the setup holds${report.checks.some((c) => c.status === 'skip') ? ' (skipped checks are listed with the reason)' : ''}\n`
            : `\n${color.red(`${failed} check${failed === 1 ? '' : 's'} failed`)}; rolegate setup repairs what it created (rolegate setup --plan shows what it would change)\n`,
        );
      }
      if (!report.ok) process.exitCode = 1;
    });
}
