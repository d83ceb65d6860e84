import type { Command } from 'commander';

interface TeardownFlags {
  userName: string;
  roleName: string;
  profile: string;
  adminProfile: string;
  bootstrapProfile?: string;
  store?: string;
  yes?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('teardown')
    .summary('remove everything setup created, and its profiles')
    .description(
      'Remove what `rolegate setup` created (recognised by name and the managed-by=rolegate tag): the ' +
        "user with its policies, MFA device and keys, the admin role, rolegate's profile keys and the stored key. " +
        'Lists everything first and asks; same-named things rolegate did not create are left alone.',
    )
    .option('--user-name <name>', 'the read-only IAM user setup created', 'admin')
    .option('--role-name <name>', 'the admin role setup created', 'admin')
    .option('--profile <name>', 'the read-only profile setup wrote (the one holding the key)', 'default')
    .option('--admin-profile <name>', 'the elevating profile setup wrote', 'admin')
    .option('--bootstrap-profile <profile>', 'profile with administrator credentials (default: the default chain)')
    .option('--store <kind>', 'where setup kept the key: keychain | file | plain (default: found out)')
    .option('-y, --yes', 'remove without asking')
    .option('--json', 'print what was removed as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate teardown --bootstrap-profile root
  $ rolegate teardown --yes --json
  $ rolegate teardown --profile work --admin-profile work-admin --user-name work --role-name work-admin`,
    )
    .action(async (flags: TeardownFlags) => {
      const opts = await import('../setup/options.js');
      const { quotePosix } = await import('../shellQuote.js');
      const { resolveRegion } = await import('../aws/clients.js');
      const options = {
        userName: opts.checkIamName('user', '--user-name', flags.userName, 64),
        roleName: opts.checkIamName('role', '--role-name', flags.roleName, 64),
        readProfile: opts.checkProfileName('--profile', flags.profile),
        adminProfile: opts.checkProfileName('--admin-profile', flags.adminProfile),
        bootstrapProfile: flags.bootstrapProfile === undefined ? undefined : opts.checkProfileName('--bootstrap-profile', flags.bootstrapProfile),
        store: flags.store === undefined ? undefined : opts.checkChoice('--store', flags.store, ['keychain', 'file', 'plain'] as const),
        region: resolveRegion(),
        yes: Boolean(flags.yes),
        again: ['rolegate', ...process.argv.slice(2)].map((w, i) => (i === 0 ? w : quotePosix(w))).join(' '),
      };
      const { createSetupIO } = await import('../setup/setupIO.js');
      const { runTeardown } = await import('../setup/teardown.js');
      const io = await createSetupIO({ json: Boolean(flags.json), yes: options.yes });
      const report = await runTeardown(options, io, process.env);
      if (flags.json) (await import('./output.js')).printJson(report);
    });
}
