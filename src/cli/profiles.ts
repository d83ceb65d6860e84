import type { Command } from 'commander';

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
      const { readSharedProfiles } = await import('../config/profiles.js');
      const { describeProfiles, KIND_LABELS } = await import('../config/profileKind.js');
      const { color, formatTable, printJson } = await import('./output.js');
      const rows = describeProfiles(await readSharedProfiles());
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
            risk: r.risk ?? null,
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
        rows.map((r) => [r.name, KIND_LABELS[r.kind], r.source ?? '-', r.region ?? '-', r.risk ? `! ${r.risk}` : '']),
      );
      process.stdout.write(table.replace(/! .*$/gm, (note) => color.yellow(note)));
    });
}
