import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('import')
    .summary('move a plaintext key from the credentials file into the keychain or an encrypted file')
    .argument('[profile]', "the profile whose plaintext key moves (default: the only setup's read-only profile, else default)")
    .description(
      'Move a plaintext access key from the credentials file into the OS keychain or an encrypted file, and rewrite the profile (and the role profiles that use it) to run `rolegate credential-process`. The previous credentials file is kept as a backup (0600), without the key.',
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
      const { isStoreKind } = await import('../keys/keyStore.js');
      const { badInput } = await import('../userError.js');
      if (!isStoreKind(flags.store) || flags.store === 'plain') throw badInput(`unknown store ${flags.store}`, 'use --store keychain or --store file');
      // first, from the files alone: is there a key to move? (before any passphrase is asked for)
      const { importableKey, importKey } = await import('../credentials/importKey.js');
      // no profile named: the only setup's read-only profile (with several, they are listed)
      const { resolveSetup } = await import('../setups/resolveSetup.js');
      const { setup, names } = await resolveSetup(process.env, { command: 'import', flags: { profile: 'PROFILE' }, given: { profile: profileArg } });
      const profile = names.profile;
      const { accessKeyId, credentialsFile } = await importableKey(profile, flags.store, process.env);
      // Ctrl-C or SIGTERM (or either key at the passphrase prompt): where the key is, how to go on
      const { onInterrupt } = await import('../interrupt.js');
      const { quotePosix } = await import('../shellQuote.js');
      const again = ['rolegate', ...process.argv.slice(2).map(quotePosix)].join(' ');
      let moving = false;
      onInterrupt(() =>
        moving
          ? `import was interrupted while it moved the key ${accessKeyId} of profile ${profile} into the ${flags.store} store: ` +
            `the store may hold it, and ${credentialsFile} still does until the last step.\nto finish it, run the same command again: ${again}`
          : `import was interrupted before it changed anything: the key ${accessKeyId} of profile ${profile} is still in ${credentialsFile}.\n` +
            `to move it, run the same command again: ${again}`,
      );
      // the preflight: both files can be written and the store opens, before the key moves
      const { sharedFilePaths } = await import('../config/sharedFilePaths.js');
      const { checkKeyStore, checkWritable, throwProblems } = await import('../setup/preflight.js');
      const paths = sharedFilePaths(process.env);
      const problems = await checkWritable([paths.configFile, paths.credentialsFile]);
      const checked = problems.length ? { problems: [] } : await checkKeyStore(flags.store, process.env, 'save');
      throwProblems('import', [...problems, ...checked.problems]);
      moving = true;
      const result = await importKey(profile, flags.store, process.env, checked.store);
      // profiles setup wrote: what import wrote there is rolegate's too, for teardown to remove
      await (await import('../setup/profilesBefore.js')).noteWritten(process.env, result.configFile, result.written);
      if (setup?.recorded && setup.readProfile === result.profile) {
        await (await import('../setups/setupRecord.js')).updateSetupRecord(process.env, setup.configFile, setup.readProfile, { store: result.store });
      }
      if (flags.json) {
        const { printJson } = await import('./output.js');
        const { written: _written, ...shown } = result;
        printJson(shown);
        return;
      }
      process.stdout.write(
        `moved the key ${result.accessKeyId} of profile ${result.profile} into the ${result.store} store\n` +
          `rewrote ${result.configFile}: ${[result.profile, ...result.rolesConverted].join(', ')} now use rolegate credential-process\n` +
          `removed the key from ${result.credentialsFile} (its backup, ${result.backupFile}, keeps the rest of the previous file, not the key)\n` +
          `  next: check that \`aws sts get-caller-identity\` works\n`,
      );
    });
}
