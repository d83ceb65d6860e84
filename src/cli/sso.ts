import type { Command } from 'commander';

interface SessionFlags {
  profile?: string;
  ssoSession?: string;
}

/** The sign-in the flags name: `--sso-session`, else `--profile` (or AWS_PROFILE), else the only [sso-session]. */
async function chosenSession(flags: SessionFlags) {
  const { readSharedProfiles } = await import('../config/profiles.js');
  const { namedSsoSession, profileSsoSession } = await import('../sources/sso/ssoConfig.js');
  const { badInput } = await import('../userError.js');
  const shared = await readSharedProfiles(process.env);
  if (flags.ssoSession !== undefined && flags.profile !== undefined) throw badInput('name either --profile or --sso-session, not both');
  if (flags.ssoSession !== undefined) return { shared, session: namedSsoSession(shared, flags.ssoSession), profile: undefined };
  const profile = flags.profile ?? (process.env.AWS_PROFILE || process.env.AWS_DEFAULT_PROFILE || undefined);
  if (profile !== undefined) {
    const session = profileSsoSession(shared, profile);
    if (!session) throw badInput(`profile ${profile} does not use IAM Identity Center (no sso_session or sso_start_url)`, 'name an SSO profile with --profile, or a sign-in with --sso-session');
    return { shared, session, profile };
  }
  const names = [...(shared.ssoSessions?.keys() ?? [])];
  if (names.length === 1) return { shared, session: namedSsoSession(shared, names[0]!), profile: undefined };
  throw badInput(
    names.length === 0 ? 'the config file has no [sso-session] section' : `the config file has several [sso-session] sections (${names.join(', ')})`,
    names.length === 0 ? 'add one (sso_start_url, sso_region), or name a legacy SSO profile with --profile' : 'name one with --sso-session NAME, or a profile with --profile',
  );
}

export function register(program: Command): void {
  const sso = program
    .command('sso')
    .summary('IAM Identity Center: sign in, sign out, write profiles for the accounts and roles you can reach')
    .description(
      "Sign in to IAM Identity Center (AWS SSO), sign out, and write profiles for what the sign-in reaches. The sign-in is shared with the AWS CLI and the SDKs: the token goes to ~/.aws/sso/cache, the role credentials to ~/.aws/cli/cache, both in the AWS CLI's format.",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate sso login --profile work
  $ rolegate sso populate --sso-session corp
  $ rolegate sso logout --profile work`,
    );

  sso
    .command('login')
    .summary('sign in by device authorization (the browser, or a URL and code to open anywhere)')
    .option('--profile <profile>', 'the SSO profile whose sign-in to renew (default: $AWS_PROFILE)')
    .option('--sso-session <name>', 'the [sso-session NAME] to sign in to')
    .option('--no-browser', 'print the URL and code instead of opening a browser (the default over SSH or without a display)')
    .description(
      "Sign in to IAM Identity Center as `aws sso login` does: rolegate registers as a client, starts a device authorization and shows where to approve it; once you approve in the browser, the token is written to ~/.aws/sso/cache, where the AWS CLI and the SDKs read it. An sso-session's token is refreshed silently before it ends, by rolegate and the AWS CLI alike, until the session's own end.",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate sso login --profile work          sign in to the sign-in profile work uses
  $ rolegate sso login --sso-session corp --no-browser`,
    )
    .action(async (flags: SessionFlags & { browser?: boolean }) => {
      const { session, profile } = await chosenSession(flags);
      const { deviceSignIn } = await import('../sources/sso/deviceSignIn.js');
      const { onInterrupt } = await import('../interrupt.js');
      const { loginCommands } = await import('../sources/sso/ssoConfig.js');
      const { terminalSafe } = await import('./output.js');
      const { describeSession, remoteMachine, spellSeconds } = await import('../sources/sso/callerSignIn.js');
      const again = loginCommands(session, profile).rolegate;
      const useBrowser = flags.browser !== false && !remoteMachine(process.env);
      let browserPending = false;
      const stopInterrupt = onInterrupt(() => `The sign-in was not completed; no token was written.\nnext: run \`${again}\` again`);
      try {
        const result = await deviceSignIn(session, {
          env: process.env,
          report: (line) => process.stderr.write(line),
          present: async (device) => {
            const url = terminalSafe(device.verificationUriComplete ?? device.verificationUri);
            const code = terminalSafe(device.userCode);
            process.stderr.write(`rolegate: signing in to IAM Identity Center, ${terminalSafe(describeSession(session))}\n`);
            if (useBrowser) {
              const { openInBrowser } = await import('../prompt/browserOpener.js');
              process.stderr.write(`rolegate: opening your browser; check that it shows the code ${code}\n  (if it does not open: ${url})\n`);
              // the approval is polled meanwhile; the loopback link waits for the browser a bounded time
              browserPending = true;
              openInBrowser(device.verificationUriComplete ?? device.verificationUri, { env: process.env, waitMs: 30_000 })
                .catch(() => process.stderr.write(`rolegate: the browser did not open; open ${url} yourself\n`))
                .finally(() => (browserPending = false));
            } else {
              process.stderr.write(`rolegate: open this URL in a browser on any machine and approve the code ${code}:\n  ${url}\n`);
            }
            process.stderr.write(`rolegate: waiting up to ${spellSeconds(device.expiresInSeconds)} for the approval (Ctrl-C to stop)\n`);
          },
        });
        const until = new Date(result.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
        process.stderr.write(
          `rolegate: signed in; the token lasts until ${until}${result.refreshable ? ' and is refreshed silently after that' : ''} (${terminalSafe(result.file)})\n`,
        );
        // signed in: a browser that never fetched its loopback link does not hold the command
        if (browserPending) process.exit(0);
      } finally {
        stopInterrupt();
      }
    });

  sso
    .command('logout')
    .summary('sign out: end the session at IAM Identity Center and remove the cached token and role credentials')
    .option('--profile <profile>', 'the SSO profile whose sign-in to end (default: $AWS_PROFILE)')
    .option('--sso-session <name>', 'the [sso-session NAME] to sign out of')
    .option('--json', 'print the removed files as JSON')
    .description(
      'End the sign-in at IAM Identity Center (Logout) and remove its token from ~/.aws/sso/cache and the role credentials of every profile that uses it from ~/.aws/cli/cache, as `aws sso logout` does for one sign-in.',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate sso logout --profile work
  $ rolegate sso logout --sso-session corp --json`,
    )
    .action(async (flags: SessionFlags & { json?: boolean }) => {
      const { shared, session } = await chosenSession(flags);
      const { ssoLogout } = await import('../sources/sso/ssoLogout.js');
      const result = await ssoLogout(shared, session, process.env);
      if (flags.json) {
        const { printJson } = await import('./output.js');
        printJson(result);
        return;
      }
      const { terminalSafe } = await import('./output.js');
      const { describeSession } = await import('../sources/sso/callerSignIn.js');
      if (result.signedOut) process.stdout.write(`signed out of ${terminalSafe(describeSession(session))}\n`);
      if (result.removed.length === 0) process.stdout.write('no cached token or role credentials to remove\n');
      else process.stdout.write(result.removed.map((p) => `removed ${terminalSafe(p)}\n`).join(''));
    });

  sso
    .command('populate')
    .summary('write a profile for each account and role the sign-in can reach')
    .option('--profile <profile>', 'the SSO profile whose sign-in to use (default: $AWS_PROFILE)')
    .option('--sso-session <name>', 'the [sso-session NAME] to use')
    .option('--account <id...>', 'only these accounts (12-digit ids)')
    .option('--role <name...>', 'only these roles')
    .option('--prefix <text>', 'put this before every profile name', '')
    .option('--region <region>', 'the region of the profiles written (default: the sign-in\'s region)')
    .option('--dry-run', 'list the profiles that would be written, and write nothing')
    .option('--json', 'print the result as JSON')
    .description(
      'List the accounts and roles the sign-in can reach (ListAccounts, ListAccountRoles) and write a profile for each into the config file, named ACCOUNT-NAME-ROLE (lower case, only letters, digits, - and _). A profile rolegate did not write is never changed: it is listed as skipped. Profiles of an sso-session use sso_session; a legacy sign-in gives legacy profiles.',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate sso populate --sso-session corp --dry-run
  $ rolegate sso populate --profile work --role AdministratorAccess`,
    )
    .action(async (flags: SessionFlags & { account?: string[]; role?: string[]; prefix: string; region?: string; dryRun?: boolean; json?: boolean }) => {
      const { session, profile } = await chosenSession(flags);
      const { populateProfiles } = await import('../sources/sso/populate.js');
      const result = await populateProfiles(session, {
        env: process.env,
        profile,
        accounts: flags.account,
        roles: flags.role,
        prefix: flags.prefix,
        region: flags.region,
        dryRun: flags.dryRun === true,
        onWarning: (message) => process.stderr.write(`rolegate: warning: ${message}\n`),
      });
      if (flags.json) {
        const { printJson } = await import('./output.js');
        printJson(result);
        return;
      }
      const { formatTable, terminalSafe } = await import('./output.js');
      const rows = result.profiles.map((p) => [p.profile, p.accountId, p.accountName, p.roleName, p.action].map((v) => terminalSafe(v)));
      process.stdout.write(rows.length ? formatTable(['profile', 'account', 'name', 'role', flags.dryRun ? 'would be' : 'result'], rows) : 'the sign-in reaches no account and role that matches\n');
      const skipped = result.profiles.filter((p) => p.action === 'skipped (not written by rolegate)').length;
      if (skipped) process.stderr.write(`rolegate: ${skipped} profile(s) of the same name were not written by rolegate and were left as they are; use --prefix to write beside them\n`);
    });
}
