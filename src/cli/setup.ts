import { Option, type Command } from 'commander';

interface SetupFlags {
  userName: string;
  roleName: string;
  policyName: string;
  readPolicy: string;
  adminPolicy: string;
  roleDuration: string;
  roleChain: string;
  trust: string;
  store: string;
  region?: string;
  profile: string;
  adminProfile: string;
  bootstrapProfile?: string;
  adopt?: boolean;
  replaceKey?: boolean;
  deleteRootKeys?: boolean;
  yes?: boolean;
  plan?: boolean;
  json?: boolean;
  mfaPairCommand?: string;
  mfaCodeCommand?: string;
  mfaDevice: string;
  yubikeySerial?: string;
  yubikeyTouch?: boolean;
  rePair?: boolean;
  emit?: string;
  users?: string;
  identity: string;
}

export function register(program: Command): void {
  program
    .command('setup')
    .summary('create the read-only user, MFA device, admin role, stored key and profiles')
    .description(
      'Create (or complete) the secure setup: a read-only IAM user with a virtual MFA device and an ' +
        'access key in a safe store, an admin role that needs MFA, and the profiles that use them. ' +
        'Idempotent: a second run changes nothing; an interrupted run is completed by running it again.',
    )
    .option('--plan', 'print what would be created or changed, with the exact policies, and change nothing; runs every check the run does and exits non-zero where the run would stop')
    .option('--user-name <name>', 'the read-only IAM user', 'admin')
    .option('--role-name <name>', 'the admin role', 'admin')
    .option('--policy-name <name>', "the user's inline policy that allows assuming the role", 'admin')
    .option('--read-policy <policy>', "AWS managed policy for the user (name or ARN)", 'SecurityAudit')
    .option('--admin-policy <policy>', 'AWS managed policy for the role (name or ARN)', 'AdministratorAccess')
    .option('--role-duration <seconds>', "the role's maximum session duration (3600 to 43200, or 1h to 12h)", '3600')
    .addOption(
      new Option('--role-chain <chain>', 'how the admin profile assumes the role: session (MFA session, 1 h role sessions, no extra code) | direct (stored key + an MFA code per role session, up to --role-duration)')
        .choices(['session', 'direct'])
        .default('session'),
    )
    .option('--trust <scope>', 'who the role trusts (with MFA): account | user', 'account')
    .option('--store <kind>', 'where the access key is kept: keychain | file | plain', 'keychain')
    .addOption(
      new Option('--identity <kind>', 'what the read-only identity signs in with: key (an access key in --store) | console (no long-term key: a console password and the MFA device, then `aws login`, AWS CLI 2.32+)')
        .choices(['key', 'console'])
        .default('key'),
    )
    .option('--region <region>', "region written to the profiles (default: the region a profile already has, else [default]'s, else AWS_REGION, else us-east-1)")
    .option('--profile <name>', 'the read-only profile, which holds the key (another name sets up side by side)', 'default')
    .option('--admin-profile <name>', 'the profile that elevates to the role', 'admin')
    .option('--bootstrap-profile <profile>', 'profile with the credentials to set up with (default: the default chain)')
    .option('--adopt', 'take over a same-named user, role, MFA device or profile that rolegate did not create')
    .option('--replace-key', "replace a key another setup stored under the profile (deleted in IAM once the new key works)")
    .option('--delete-root-keys', 'with root credentials: delete the root access key once the new key works')
    .option('--mfa-pair-command <cmd>', 'instead of a QR code: run CMD with the otpauth:// URI on stdin')
    .option('--mfa-code-command <cmd>', "instead of typing: run CMD to print a current MFA code (twice); with --store keychain or file it becomes the profiles' mfa_process")
    .addOption(
      new Option('--mfa-device <kind>', 'what holds the MFA seed: app (an authenticator app: QR code, or the two commands above) | yubikey (written into a YubiKey\'s OATH application with ykman; the profiles then read codes from it)')
        .choices(['app', 'yubikey'])
        .default('app'),
    )
    .option('--yubikey-serial <serial>', 'with --mfa-device yubikey: the key to use when several are attached (ykman list --serials)')
    .option('--yubikey-touch', 'with --mfa-device yubikey: every code needs a touch of the key')
    .option('--re-pair', "replace the user's enabled MFA device (the one setup created) with a new one, paired anew: a lost phone, or a move to --mfa-device yubikey; the old device's codes stop working")
    .option('-y, --yes', 'answer yes to confirmations')
    .option('--json', 'print the plan and the result as JSON')
    .option('--emit <format>', 'print the same user, role and policies as code instead: cloudformation | terraform (no AWS call)')
    .option('--users <names>', 'with --emit: one user and one <user>-<role name> role per person, e.g. alice,bob')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate setup --plan                       show what would be done
  $ rolegate setup                              pair the MFA device by QR code, store the key in the keychain
  $ rolegate setup --bootstrap-profile root --store file --region eu-west-1
  $ rolegate setup --emit cloudformation > rolegate.yaml   the same as a template, for StackSets
  $ rolegate setup --profile work --admin-profile work-admin --user-name work --role-name work-admin
  $ rolegate setup --mfa-device yubikey --yubikey-touch   the seed straight into a YubiKey; a touch per code
  $ rolegate setup --re-pair --mfa-device yubikey         move an existing setup's MFA device onto a YubiKey
  $ rolegate setup --identity console                     no access key: a console password and the MFA device, then aws login

--mfa-code-command runs with ROLEGATE_TOTP_TIME set to the Unix time the code is wanted for (a tool
such as oathtool --now may use it); rolegate waits for the next 30 s window before the second call.
Without a terminal, setup never asks: it applies the plan, and pairing needs both commands.

--mfa-device yubikey writes the new device's seed into the YubiKey's OATH application with ykman
(YubiKey Manager, which must be installed), as account AWS:<user>@<account>: the seed goes to
ykman on stdin, and is never shown, put on a command line or written to disk. The key gives the two
pairing codes (up to 30 s: one code per TOTP window; with --yubikey-touch, touch the key when
ykman asks), and both profiles get mfa_process = ykman [--device SERIAL] oath accounts code
--single AWS:<user>@<account>, so every MFA code comes from the key. Before any AWS change setup
checks that ykman runs, that one key answers (--yubikey-serial picks one of several), that its
OATH password, if set, is remembered (ykman oath access remember), and that no account of that
name exists on it: setup never overwrites one. --re-pair replaces the enabled device each time it
is given (deactivated and deleted, then a new one created and paired); the same account on the key,
which held the old device's seed, is then overwritten.`,
    )
    .action(async (flags: SetupFlags) => {
      if (flags.emit !== undefined || flags.users !== undefined) {
        process.stdout.write((await import('../emit/emitSetup.js')).emitSetup(flags));
        return;
      }
      const opts = await import('../setup/options.js');
      const { resolveRegion } = await import('../aws/clients.js');
      const options = {
        userName: opts.checkIamName('user', '--user-name', flags.userName, 64),
        roleName: opts.checkIamName('role', '--role-name', flags.roleName, 64),
        policyName: opts.checkIamName('policy', '--policy-name', flags.policyName, 128),
        readPolicy: opts.checkPolicyRef('--read-policy', flags.readPolicy),
        adminPolicy: opts.checkPolicyRef('--admin-policy', flags.adminPolicy),
        roleDuration: opts.checkRoleDuration(flags.roleDuration),
        roleChain: opts.checkChoice('--role-chain', flags.roleChain, ['session', 'direct'] as const),
        trust: opts.checkChoice('--trust', flags.trust, ['account', 'user'] as const),
        store: opts.checkChoice('--store', flags.store, ['keychain', 'file', 'plain'] as const),
        region: opts.checkRegion(flags.region ?? resolveRegion()),
        regionGiven: flags.region !== undefined,
        readProfile: opts.checkProfileName('--profile', flags.profile),
        adminProfile: opts.checkProfileName('--admin-profile', flags.adminProfile),
        bootstrapProfile: flags.bootstrapProfile === undefined ? undefined : opts.checkProfileName('--bootstrap-profile', flags.bootstrapProfile),
        adopt: Boolean(flags.adopt),
        replaceKey: Boolean(flags.replaceKey),
        deleteRootKeys: Boolean(flags.deleteRootKeys),
        yes: Boolean(flags.yes),
        mfaPairCommand: flags.mfaPairCommand,
        mfaCodeCommand: flags.mfaCodeCommand,
        mfaDevice: opts.checkChoice('--mfa-device', flags.mfaDevice, ['app', 'yubikey'] as const),
        yubikeySerial: flags.yubikeySerial === undefined ? undefined : opts.checkYubikeySerial(flags.yubikeySerial),
        yubikeyTouch: Boolean(flags.yubikeyTouch),
        rePair: Boolean(flags.rePair),
        identity: opts.checkChoice('--identity', flags.identity, opts.IDENTITY_KINDS),
        plan: Boolean(flags.plan),
      };
      if (options.identity === 'console') {
        // no access key: nothing to store, replace, or sign a direct role chain with
        const { badInput } = await import('../userError.js');
        const given = process.argv.slice(2);
        const clash = ['--store', '--replace-key', '--delete-root-keys'].find((flag) => given.some((a) => a === flag || a.startsWith(`${flag}=`)));
        if (clash) throw badInput(`${clash} applies to an access key, and --identity console makes none`, `drop ${clash}, or use --identity key`);
        if (options.roleChain === 'direct') throw badInput('--role-chain direct signs AssumeRole with a long-term key, and --identity console makes none', 'drop --role-chain direct: the admin profile assumes the role with the console credentials and an MFA code (1 h sessions)');
        // teardown keeps an adopted user and removes only what setup recorded adding to it; the
        // console password and the sign-in policy are not recorded that way, so they would stay
        if (options.adopt) throw badInput('--adopt cannot be combined with --identity console: teardown could not tell the console password and sign-in policy setup would add to an adopted user from the user\'s own', 'give the console identity a user of its own (--user-name NAME), or adopt with --identity key');
      }
      if (options.mfaDevice === 'yubikey' && (options.mfaPairCommand || options.mfaCodeCommand)) {
        const { badInput } = await import('../userError.js');
        throw badInput('--mfa-device yubikey pairs through ykman: it cannot be combined with --mfa-pair-command or --mfa-code-command', 'drop those two, or --mfa-device yubikey');
      }
      if (options.mfaDevice !== 'yubikey' && (options.yubikeySerial !== undefined || options.yubikeyTouch)) {
        const { badInput } = await import('../userError.js');
        throw badInput('--yubikey-serial and --yubikey-touch apply to --mfa-device yubikey', 'add --mfa-device yubikey');
      }
      if (options.adminProfile === options.readProfile) {
        const { badInput } = await import('../userError.js');
        throw badInput(`--admin-profile must differ from the read-only profile (${options.readProfile})`, 'pass another name with --admin-profile');
      }
      // a file store without a passphrase to use is refused before any AWS call; the preflight
      // then checks it against keys.enc, with the rest, before any change
      if (options.store === 'file' && options.identity !== 'console' && !options.plan) await (await import('../keys/fileKeyStore.js')).checkFileStorePassphrase(process.env);
      const { createSetupIO } = await import('../setup/setupIO.js');
      const { runSetup } = await import('../setup/engine.js');
      const { quotePosix } = await import('../shellQuote.js');
      const io = await createSetupIO({ json: Boolean(flags.json), yes: options.yes });
      const teardown = [
        'rolegate teardown',
        ...(options.readProfile !== 'default' ? ['--profile', options.readProfile] : []),
        ...(options.adminProfile !== 'admin' ? ['--admin-profile', options.adminProfile] : []),
        ...(options.userName !== 'admin' ? ['--user-name', options.userName] : []),
        ...(options.roleName !== 'admin' ? ['--role-name', options.roleName] : []),
        ...(options.bootstrapProfile ? ['--bootstrap-profile', options.bootstrapProfile] : []),
      ];
      const commands = { again: ['rolegate', ...process.argv.slice(2)].map((w, i) => (i === 0 ? w : quotePosix(w))).join(' '), undo: teardown.map((w, i) => (i < 1 ? w : quotePosix(w))).join(' ') };
      const report = await runSetup(options, io, process.env, commands);
      if (flags.json) (await import('./output.js')).printJson(report);
    });
}
