import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('logout')
    .summary('delete cached sessions and role credentials')
    .argument('[profile]', 'only the session behind this profile, and the role credentials made from it')
    .description(
      'Delete cached temporary credentials (MFA sessions and role credentials, also the AWS CLI cache entries of guide-layout roles). The next AWS call asks for an MFA code again. Keys are kept.',
    )
    .option('--json', 'print the removed files as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate logout            end every session
  $ rolegate logout admin      end the session behind profile admin`,
    )
    .action(async (profile: string | undefined, flags: { json?: boolean }) => {
      const { logout } = await import('../sources/logout.js');
      const removed = await logout(profile, process.env);
      if (flags.json) {
        const { printJson } = await import('./output.js');
        printJson({ removed });
        return;
      }
      if (removed.length === 0) process.stdout.write('no cached credentials to remove\n');
      else process.stdout.write(removed.map((p) => `removed ${p}\n`).join(''));
    });
}
