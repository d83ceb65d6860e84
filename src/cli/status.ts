import type { Command } from 'commander';
import type { StatusReport } from '../sources/credentialStatus.js';
import type { LinkStatus } from '../sources/credentialSource.js';

function describeLink(link: Pick<LinkStatus, 'state' | 'secondsLeft'> | undefined, formatRemaining: (ms: number) => string): string {
  if (!link) return '-';
  switch (link.state) {
    case 'none':
      return 'none';
    case 'expired':
      return 'expired';
    case 'renewing-soon':
      return `renews now (${formatRemaining((link.secondsLeft ?? 0) * 1000)} left)`;
    case 'valid':
      return `valid ${formatRemaining((link.secondsLeft ?? 0) * 1000)}`;
  }
}

export function register(program: Command): void {
  program
    .command('status')
    .summary('show where keys are kept and how long sessions and role credentials last')
    .description(
      'Show the setups on this machine (account, user, role, profiles, store) and, for each profile rolegate serves: where its key is kept, how long the MFA session and the role credentials have left, where they are cached, and who they are (asked of STS with cached credentials only: status never prompts).',
    )
    .option('--json', 'print as JSON')
    .option('--offline', 'do not ask STS who the cached credentials belong to')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate status
  $ rolegate status --json | jq '.profiles[] | {profile, session}'`,
    )
    .action(async (flags: { json?: boolean; offline?: boolean }) => {
      const { credentialStatus } = await import('../sources/credentialStatus.js');
      const { formatRemaining } = await import('../credentials/duration.js');
      const { formatTable, printJson, terminalSafe } = await import('./output.js');
      const { pendingRotation } = await import('../rotate/pendingRotation.js');
      const report: StatusReport = await credentialStatus(process.env);
      const rotations = await pendingRotation(process.env);
      const setups = await (await import('../setups/knownSetups.js')).knownSetups(process.env);
      const identities = new Map<string, string>();
      if (!flags.offline) {
        const { createStsClient } = await import('../aws/clients.js');
        const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
        await Promise.all(
          report.profiles.map(async (p) => {
            if (!p.usable) return;
            try {
              const client = createStsClient({ credentials: p.usable, env: process.env });
              const answer = await client.send(new GetCallerIdentityCommand({}));
              if (answer.Arn) identities.set(p.profile, answer.Arn);
            } catch (error) {
              identities.set(p.profile, `(refused: ${(error as Error).name})`);
            }
          }),
        );
      }
      for (const p of report.profiles) for (const w of p.links.flatMap((l) => l.warnings)) process.stderr.write(`rolegate: warning: ${terminalSafe(w)}\n`);
      if (flags.json) {
        printJson({
          profiles: report.profiles.map(({ usable: _usable, ...rest }) => ({ ...rest, identity: identities.get(rest.profile) ?? null })),
          other: report.other,
          cacheDir: report.cacheDir,
          awsCliCacheDir: report.awsCliCacheDir,
          pendingRotations: rotations,
          setups: setups.map((x) => ({
            account: x.account,
            partition: x.partition,
            userName: x.userName,
            userArn: x.userArn,
            roleName: x.roleName,
            roleArn: x.roleArn,
            mfaSerial: x.mfaSerial,
            readProfile: x.readProfile,
            adminProfile: x.adminProfile,
            store: x.store,
            accessKeyId: x.accessKeyId ?? null,
            configFile: x.configFile,
            recorded: x.recorded,
            complete: x.complete ?? null,
          })),
        });
        return;
      }
      // an unfinished rotation matters more than anything else here: say it first
      for (const r of rotations) {
        process.stdout.write(
          terminalSafe(`unfinished key rotation of profile ${r.profile} (user ${r.userName}, stopped after "${r.step}")`) + `\n  next: ${terminalSafe(r.next)}\n\n`,
        );
      }
      if (setups.length > 0) {
        const rows = setups.map((x) => [x.account, x.userName, x.roleName, `${x.readProfile}, ${x.adminProfile}`, `${x.store}${x.recorded ? '' : ' (found from its profiles)'}${x.complete === false ? ' (not completed)' : ''}`]);
        process.stdout.write(`${setups.length === 1 ? 'setup' : 'setups'} on this machine:\n${formatTable(['ACCOUNT', 'USER', 'ROLE', 'PROFILES', 'STORE'], rows)}\n`);
      }
      if (report.profiles.length === 0) {
        process.stdout.write('rolegate serves no profile here yet (no profile with an MFA device).\n  next: rolegate setup, or rolegate import\n');
        return;
      }
      // rolegate's own profiles: the MFA session and the role; others: the sign-in or session, then what is handed out
      const described = (links: LinkStatus[]) => (links.length === 0 ? '-' : links.map((l) => `${links.length > 1 ? `${l.name}: ` : ''}${describeLink(l, formatRemaining)}`).join(', '));
      const rows = report.profiles.map((p) =>
        p.kind === 'session' || p.kind === 'role'
          ? [
              p.profile,
              p.kind === 'role' ? `role (${p.layout})` : `session (${p.layout})`,
              p.keyProfile === p.profile ? (p.store ?? '') : `${p.store} (${p.keyProfile})`,
              describeLink(p.session, formatRemaining),
              describeLink(p.role, formatRemaining),
              identities.get(p.profile) ?? (p.usable ? '' : '-'),
            ]
          : [p.profile, p.type, p.from, described(p.links.slice(0, -1)), described(p.links.slice(-1)), identities.get(p.profile) ?? (p.usable ? '' : '-')],
      );
      process.stdout.write(formatTable(['PROFILE', 'TYPE', 'KEY IN', 'MFA SESSION', 'ROLE', 'IDENTITY'], rows.map((row) => row.map(terminalSafe))));
      process.stdout.write(`\ncache: ${report.cacheDir}\nAWS CLI cache: ${report.awsCliCacheDir}\n`);
      if (report.other.length > 0) process.stdout.write(`not served by rolegate: ${report.other.map((o) => terminalSafe(o.profile)).join(', ')}\n`);
    });
}
