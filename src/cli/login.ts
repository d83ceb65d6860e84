import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('login')
    .summary('open the AWS console signed in as a profile, with no new MFA code while the MFA session lasts')
    .argument('[profile]', "the profile (default: $AWS_PROFILE, else the setup's read-only profile; with several setups, name one)")
    .description(
      "Open the AWS console in your browser, signed in as a profile, through AWS's federation endpoint (getSigninToken). Asks for an MFA code only when the profile's MFA session has run out.",
    )
    .option('--stdout', 'print the sign-in URL on stdout instead of opening a browser')
    .option('--region <region>', 'console region (default: the profile\'s region); its partition must match the profile\'s')
    .option('--destination <path>', 'console page to open, e.g. s3/home or ec2/home#Instances (default: the console home)')
    .option('--duration <duration>', 'length of the console session: 15m to 1h for a role, to 36h for a key profile (default 1h)')
    .addHelpText(
      'after',
      `
What the console session can do:
  role profile (admin)    Everything the role allows, as assumed-role/ROLE/rolegate-PROFILE, with the
                          MFA context of your session. The role is assumed from the MFA session, which
                          AWS counts as role chaining: the console session lasts at most 1 hour
                          (--duration 15m to 1h, default 1h). Sign in again for more.
  key profile (default)   A federated user, federated-user/rolegate-PROFILE, from GetFederationToken
                          signed with your long-term key (the console refuses MFA sessions, and AWS
                          refuses GetFederationToken to them). Its permissions are your user's own
                          policies (e.g. SecurityAudit) intersected with an allow-all session policy:
                          never more than the user has. It carries no MFA context, so nothing that
                          requires MFA works in it, switching to the admin role included. The user
                          needs sts:GetFederationToken allowed. --duration 15m to 36h, default 1h.
                          rolegate asks for the day's MFA code first, as for every use of the key.

The sign-in URL is a secret for 15 minutes: rolegate never logs it and never puts it on a command
line. The browser (xdg-open or gio, open, rundll32) gets a one-time http://127.0.0.1 link that
redirects once to the sign-in URL; on Linux only a process of your own user may follow it.
--stdout prints the URL instead. Sign-in endpoints by partition: signin.aws.amazon.com (aws),
signin.amazonaws-us-gov.com (aws-us-gov), signin.amazonaws.cn (aws-cn).

Examples:
  $ rolegate login admin                          the console as the admin role
  $ rolegate login admin --destination s3/home --region eu-west-1
  $ rolegate login default --duration 8h          read-only, as a federated user
  $ rolegate login admin --stdout | xclip -selection clipboard`,
    )
    .action(async (profileArg: string | undefined, flags: { stdout?: boolean; region?: string; destination?: string; duration?: string }) => {
      const { defaultProfileName, reportingOptions } = await import('../sources/profileCredentials.js');
      const { parseDuration } = await import('../credentials/duration.js');
      const { consoleSignin } = await import('../console/consoleSignin.js');
      let profile = profileArg ?? (process.env.AWS_PROFILE || process.env.AWS_DEFAULT_PROFILE ? defaultProfileName() : undefined);
      if (profile === undefined) {
        // no profile named: the only setup's read-only profile (with several, they are listed)
        const { resolveSetup } = await import('../setups/resolveSetup.js');
        profile = (await resolveSetup(process.env, { command: 'login', flags: { profile: 'PROFILE' }, given: {} })).names.profile;
      }
      const durationSeconds = flags.duration === undefined ? undefined : parseDuration(flags.duration);
      const signin = await consoleSignin({ profile, region: flags.region, destination: flags.destination, durationSeconds }, reportingOptions(process.env));
      const until = signin.sessionEnds.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const who = signin.kind === 'role' ? 'the role' : signin.kind === 'federated-user' ? 'a federated user' : 'its own credentials';
      if (flags.stdout) {
        process.stdout.write(`${signin.url}\n`);
        process.stderr.write(`rolegate: console sign-in URL for profile ${profile} (${who}); use it within 15 minutes; the console session ends at ${until}\n`);
        return;
      }
      const { openInBrowser } = await import('../prompt/browserOpener.js');
      process.stderr.write(`rolegate: opening the AWS console for profile ${profile} (${who}) in your browser...\n`);
      await openInBrowser(signin.url, { env: process.env });
      process.stderr.write(`rolegate: signed in; the console session ends at ${until}\n`);
    });
}
