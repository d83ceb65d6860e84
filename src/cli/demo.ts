import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('demo')
    .summary('see the whole life of rolegate in a minute, against a local AWS emulator (no account needed)')
    .description(
      'Walk through setup, read-only use, a denied write, elevation with MFA, exec, verify, audit, rotate and teardown ' +
        "against moto, a local AWS emulator on 127.0.0.1, under a temporary HOME. Nothing touches a real AWS account, and your " +
        '~/.aws and keychain are never read or written; the emulator is stopped and the temporary HOME removed at the end, also on Ctrl-C.\n\n' +
        'Needs Python 3 (with venv): on first use the demo installs moto and the AWS CLI, pinned, into ' +
        '$XDG_CACHE_HOME/rolegate/demo-venv (default ~/.cache/rolegate/demo-venv); ROLEGATE_DEMO_VENV names another ready one.',
    )
    .option('--fast', 'no pauses between stages (there are none when output is not a terminal)')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate demo                        about a minute; Python 3 needed
  $ rolegate demo --fast                 no pauses between the stages`,
    )
    .action(async (flags: { fast?: boolean }) => {
      const { realpathSync } = await import('node:fs');
      const { runDemo } = await import('../demo/walkthrough.js');
      const entry = realpathSync(process.argv[1]!);
      process.exitCode = await runDemo({
        rolegate: [process.execPath, entry],
        paced: Boolean(process.stdout.isTTY) && !flags.fast,
        env: process.env,
        write: (text) => process.stdout.write(text),
      });
    });

  // The demo's stand-in authenticator app, which setup, verify and rotate call as their MFA
  // pair and code commands during the demo. Hidden: it exists for the demo alone.
  program
    .command('demo-authenticator', { hidden: true })
    .argument('<mode>', 'pair | pairing-code | code')
    .argument('<file>', "the file in the demo's temporary HOME that holds the device")
    .action(async (mode: string, file: string) => {
      const authenticator = await import('../demo/demoAuthenticator.js');
      const { readFileSync } = await import('node:fs');
      if (mode === 'pair') {
        authenticator.pairDevice(file, readFileSync(0, 'utf8'));
        process.stderr.write('demo authenticator: device added (it keeps the seed in the temporary HOME until the demo ends)\n');
      } else if (mode === 'pairing-code') {
        const { code, which } = authenticator.pairingCode(file);
        const note = which === 'first' ? "the previous 30 s window's, so the demo need not wait for the next" : 'the window after';
        process.stderr.write(`demo authenticator: pairing code ${which === 'first' ? 1 : 2}: ${code} (demo code; ${note})\n`);
        process.stdout.write(`${code}\n`);
      } else if (mode === 'code') {
        const code = authenticator.currentCode(file);
        process.stderr.write(`demo authenticator: MFA code ${code} (demo code)\n`);
        process.stdout.write(`${code}\n`);
      } else {
        const { badInput } = await import('../userError.js');
        throw badInput(`unknown mode ${JSON.stringify(mode)}`, 'use pair, pairing-code or code');
      }
    });
}
