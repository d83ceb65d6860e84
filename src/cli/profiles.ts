import type { Command } from 'commander';

/**
 * For a profile rolegate assumes a role for: which chain it uses (session: with the MFA session,
 * at most 1 h; direct: with the key and a code per role session), and a risk line when its
 * duration_seconds is more than the session chain can get from AWS.
 */
export function roleChainNote(kind: string, values: Record<string, unknown>): { chain?: 'session' | 'direct'; chainNote?: string; chainRisk?: string } {
  if (kind !== 'rolegate-role-mfa' && kind !== 'rolegate-role') return {};
  const chain = values.rolegate_role_chain === 'direct' ? 'direct' : 'session';
  const seconds = typeof values.duration_seconds === 'string' && /^\d+$/.test(values.duration_seconds.trim()) ? Number(values.duration_seconds) : 3600;
  const hours = `${+(seconds / 3600).toFixed(2)} h`;
  if (chain === 'direct') return { chain, chainNote: `direct chain: role sessions of ${hours}, an MFA code each` };
  if (seconds > 3600) return { chain, chainRisk: `duration_seconds ${seconds} is over AWS's 1 h limit for roles assumed with the MFA session: rolegate asks for 1 h (set rolegate_role_chain = direct for more)` };
  return { chain, chainNote: `session chain: role sessions of ${+(Math.min(seconds, 3600) / 3600).toFixed(2)} h, no extra code` };
}

export function register(program: Command): void {
  program
    .command('profiles')
    .summary('list profiles, their kind of credentials, and what is risky about them')
    .description(
      'List every profile in the shared config and credentials files: what kind of credentials it gives (static key, role with or without MFA, credential_process, SSO, rolegate), where they come from, its region, and what is risky about it.',
    )
    .option('--json', 'print the list as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate profiles
  $ rolegate profiles --json | jq -r '.[] | select(.risk) | .name'
  $ AWS_CONFIG_FILE=./ci/config rolegate profiles
`,
    )
    .action(async (flags: { json?: boolean }) => {
      const { readSharedProfiles, resolveProfile } = await import('../config/profiles.js');
      const { describeProfiles, KIND_LABELS } = await import('../config/profileKind.js');
      const { color, formatTable, printJson, terminalSafe } = await import('./output.js');
      const shared = await readSharedProfiles();
      const rows = describeProfiles(shared).map((r) => ({ ...r, ...roleChainNote(r.kind, resolveProfile(shared, r.name) ?? {}) }));
      if (flags.json) {
        printJson(
          rows.map((r) => ({
            name: r.name,
            kind: r.kind,
            description: KIND_LABELS[r.kind],
            source: r.source ?? null,
            region: r.region ?? null,
            mfaSerial: r.mfaSerial ?? null,
            roleArn: r.roleArn ?? null,
            keyFile: r.keyFile ?? null,
            risk: r.risk ?? r.chainRisk ?? null,
            chain: r.chain ?? null,
          })),
        );
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('no profiles (the shared config and credentials files are empty or missing)\n');
        return;
      }
      const table = formatTable(
        ['PROFILE', 'KIND', 'SOURCE', 'REGION', 'NOTE'],
        rows.map((r) => [r.name, KIND_LABELS[r.kind], r.source ?? '-', r.region ?? '-', r.risk ? `! ${r.risk}` : r.chainRisk ? `! ${r.chainRisk}` : (r.chainNote ?? '')].map(terminalSafe)),
      );
      process.stdout.write(table.replace(/! .*$/gm, (note) => color.yellow(note)));
    });
}
