import type { Command } from 'commander';

interface TeardownFlags {
  userName?: string;
  roleName?: string;
  profile?: string;
  adminProfile?: string;
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
    .option('--user-name <name>', 'the read-only IAM user setup created (default: the setup\'s, see below)')
    .option('--role-name <name>', 'the admin role setup created (default: the setup\'s)')
    .option('--profile <name>', 'the read-only profile setup wrote (the one holding the key; default: the setup\'s)')
    .option('--admin-profile <name>', 'the elevating profile setup wrote (default: the setup\'s)')
    .option('--bootstrap-profile <profile>', 'profile with administrator credentials (default: the default chain)')
    .option('--store <kind>', 'where setup kept the key: keychain | file | plain (default: found out)')
    .option('-y, --yes', 'remove without asking')
    .option('--json', 'print what was removed as JSON')
    .addHelpText(
      'after',
      `
Which setup: any one of --profile, --admin-profile, --user-name, --role-name names it (setup
recorded the others); with only one setup on this machine, none is needed. rolegate status lists
the setups.

Examples:
  $ rolegate teardown --bootstrap-profile root
  $ rolegate teardown --yes --json
  $ rolegate teardown --profile work --admin-profile work-admin --user-name work --role-name work-admin`,
    )
    .action(async (flags: TeardownFlags) => {
      const opts = await import('../setup/options.js');
      const { quotePosix } = await import('../shellQuote.js');
      const { resolveRegion } = await import('../aws/clients.js');
      const given = {
        userName: flags.userName === undefined ? undefined : opts.checkIamName('user', '--user-name', flags.userName, 64),
        roleName: flags.roleName === undefined ? undefined : opts.checkIamName('role', '--role-name', flags.roleName, 64),
        profile: flags.profile === undefined ? undefined : opts.checkProfileName('--profile', flags.profile),
        adminProfile: flags.adminProfile === undefined ? undefined : opts.checkProfileName('--admin-profile', flags.adminProfile),
      };
      // which setup: from the names given and the record, before anything is read from AWS
      const { resolveSetup, describeSetup } = await import('../setups/resolveSetup.js');
      const { setup, names } = await resolveSetup(process.env, {
        command: 'teardown',
        flags: { profile: '--profile', adminProfile: '--admin-profile', userName: '--user-name', roleName: '--role-name' },
        given,
      });
      const options = {
        userName: names.userName,
        roleName: names.roleName,
        readProfile: names.profile,
        adminProfile: names.adminProfile,
        recorded: setup?.recorded ? { account: setup.account, roleArn: setup.roleArn, describe: describeSetup(setup) } : undefined,
        forgetRecord: setup?.recorded
          ? async () => (await import('../setups/setupRecord.js')).forgetSetupRecord(process.env, setup.configFile, setup.readProfile)
          : undefined,
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
      if (setup?.recorded && (report.removed || report.actions.length === 0)) {
        const { forgetSetupRecord } = await import('../setups/setupRecord.js');
        await forgetSetupRecord(process.env, setup.configFile, setup.readProfile);
      }
      if (flags.json) (await import('./output.js')).printJson(report);
    });
}
