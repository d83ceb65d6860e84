import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('import')
    .summary('move a plaintext key from the credentials file into the keychain or an encrypted file')
    .argument('[profile]', 'the profile whose plaintext key moves (default: default)')
    .description(
      'Move a plaintext access key from the credentials file into the OS keychain or an encrypted file, and rewrite the profile (and the role profiles that use it) to run `rolegate credential-process`. The previous credentials file is kept as a backup.',
    )
    .requiredOption('--store <kind>', 'keychain | file')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate import --store keychain
  $ ROLEGATE_FILE_PASSPHRASE=... rolegate import default --store file     headless Linux`,
    )
    .action(async (profileArg: string | undefined, flags: { store: string; json?: boolean }) => {
      const { isStoreKind } = await import('../credentials/keyStore.js');
      const { badInput } = await import('../userError.js');
      if (!isStoreKind(flags.store) || flags.store === 'plain') throw badInput(`unknown store ${flags.store}`, 'use --store keychain or --store file');
      const { importKey } = await import('../credentials/importKey.js');
      const result = await importKey(profileArg ?? 'default', flags.store, process.env);
      if (flags.json) {
        const { printJson } = await import('./output.js');
        printJson(result);
        return;
      }
      process.stdout.write(
        `moved the key ${result.accessKeyId} of profile ${result.profile} into the ${result.store} store\n` +
          `rewrote ${result.configFile}: ${[result.profile, ...result.rolesConverted].join(', ')} now use rolegate credential-process\n` +
          `removed the key from ${result.credentialsFile}\n` +
          `the previous credentials file, WITH the plaintext key, is kept at ${result.backupFile}:\n` +
          `  next: check that \`aws sts get-caller-identity\` works, then delete that backup\n`,
      );
    });
}
