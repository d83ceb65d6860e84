import type { Command } from 'commander';
import type { RotationProgress } from '../rotate/rotateProfile.js';

interface RotateFlags {
  adminProfile?: string;
  store?: string;
  userName?: string;
  deleteInactive?: boolean;
  mfaCodeCommand?: string;
  yes?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('rotate')
    .summary('replace the read-only user\'s access key with a new one, safely')
    .description(
      'Create a new access key for the IAM user behind PROFILE (default: the only setup\'s; PROFILE, --admin-profile or --user-name names one of several), prove that it works, ' +
        'store it where the old one was (same store, same profile), then deactivate and delete the old key. ' +
        'The IAM calls run through the admin role (one MFA code, usually already cached), so the key on the ' +
        'laptop never needs permission to manage keys.\n\n' +
        'If anything fails before the new key is proven, the new key is deleted and the old one kept. A rotation ' +
        'that is interrupted (killed, network lost) is finished or undone by running rotate again.',
    )
    .argument('[profile]', "the profile whose long-term key to rotate (default: the setup's read-only profile)")
    .option('--admin-profile <name>', "the admin role profile that performs the rotation (default: the setup's)")
    .option('--store <kind>', 'where the key is stored: keychain, file or plain (default: detected)')
    .option('--user-name <name>', 'the IAM user (default: the owner of the current key, from sts get-caller-identity)')
    .option('--delete-inactive', 'when the user already has two keys, delete its inactive other key first (never an active one)')
    .option('--mfa-code-command <cmd>', "a command that prints a current MFA code (default: the profile's mfa_process, else a prompt)")
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate rotate                         rotate the setup's key (asks first)
  $ rolegate rotate --yes --json            without asking; machine-readable result
  $ rolegate rotate work --admin-profile work-admin
  $ rolegate rotate --delete-inactive       the user has an old inactive key: delete it, then rotate
  $ rolegate rotate                         after an interrupted rotate: finishes or undoes it`,
    )
    .action(async (profileArg: string | undefined, flags: RotateFlags) => {
      const { resolveSetup } = await import('../setups/resolveSetup.js');
      const { setup, names } = await resolveSetup(process.env, {
        command: 'rotate',
        flags: { profile: 'PROFILE', adminProfile: '--admin-profile', userName: '--user-name' },
        given: { profile: profileArg, adminProfile: flags.adminProfile, userName: flags.userName },
      });
      const profile = names.profile;
      const { rotateProfile } = await import('../rotate/rotateProfile.js');
      const { color, printJson } = await import('./output.js');
      const log = (message: string) => process.stderr.write(`rolegate: ${message}\n`);
      // Ctrl-C or SIGTERM mid-rotation is safe (the journal lets the next run finish or undo it):
      // say which keys exist and which one the store holds, and the command that settles it
      const { onInterrupt } = await import('../interrupt.js');
      const { quotePosix } = await import('../shellQuote.js');
      const again = ['rolegate', ...process.argv.slice(2).map(quotePosix)].join(' ');
      const progress: RotationProgress = {};
      onInterrupt(() => describeInterruptedRotation(progress, profile, again));
      // the preflight: the store opens and the file the key is written to can be written
      await rotatePreflight(profile, flags.store, process.env);
      const report = await rotateProfile({
        profile,
        adminProfile: names.adminProfile,
        store: flags.store,
        userName: flags.userName,
        deleteInactive: Boolean(flags.deleteInactive),
        mfaCodeCommand: flags.mfaCodeCommand,
        env: process.env,
        log,
        confirm: (question) => confirmOnTerminal(question, Boolean(flags.yes)),
        progress,
      });
      if (setup?.recorded) {
        const { updateSetupRecord } = await import('../setups/setupRecord.js');
        await updateSetupRecord(process.env, setup.configFile, setup.readProfile, { accessKeyId: report.newAccessKeyId });
      }
      if (flags.json) {
        printJson(report);
        return;
      }
      const lines: string[] = [];
      if (report.interrupted) {
        const i = report.interrupted;
        lines.push(
          i.outcome === 'finished'
            ? `finished the interrupted rotation: ${report.newAccessKeyId} is in use, the old key ${i.oldAccessKeyId} is deleted`
            : `undid the interrupted rotation: kept ${i.oldAccessKeyId}${i.deletedAccessKeyIds.length ? `, deleted ${i.deletedAccessKeyIds.join(', ')}` : ''}`,
        );
      }
      if (report.outcome === 'rotated') {
        for (const id of report.deletedInactiveAccessKeyIds) lines.push(`deleted the inactive key ${id}`);
        lines.push(
          `${color.green('rotated')}: user ${report.userName} now uses ${report.newAccessKeyId} (profile ${report.profile}, ${report.store} store); ` +
            `the old key ${report.oldAccessKeyId} is deleted`,
        );
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}

/** --yes answers; otherwise ask on the terminal; without one, say how to proceed (never wait). */
async function confirmOnTerminal(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const { terminalAvailable, readTerminalLine } = await import('../prompt/mfaCodeTerminal.js');
  if (!process.stdin.isTTY || !terminalAvailable()) {
    const { UserError } = await import('../userError.js');
    throw new UserError(`${question.replace(/\?$/, '')}: needs confirmation, and there is no terminal to ask on; nothing was changed`, {
      next: 'run rolegate rotate --yes',
    });
  }
  const answer = await readTerminalLine(`rolegate: ${question} [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

/** Before rotate creates a key: the store can be used (keychain answers, key file passphrase) and written. */
async function rotatePreflight(profile: string, storeFlag: string | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  const [{ readSharedProfiles, resolveProfile }, { locateKeyStoreKind }, { isStoreKind }, { sharedFilePaths }, { keyFilePath }, preflight] = await Promise.all([
    import('../config/profiles.js'),
    import('../keys/longTermKey.js'),
    import('../keys/keyStore.js'),
    import('../config/sharedFilePaths.js'),
    import('../files/rolegatePaths.cjs'),
    import('../setup/preflight.js'),
  ]);
  if (storeFlag !== undefined && !isStoreKind(storeFlag)) return; // rotate itself says what is wrong
  const shared = await readSharedProfiles(env);
  const hint = resolveProfile(shared, profile)?.rolegate_store;
  let kind = storeFlag;
  try {
    kind ??= await locateKeyStoreKind({ keyProfile: profile, mfaSerial: '', storeHint: typeof hint === 'string' ? hint.trim() : undefined }, shared, env);
  } catch {
    return; // no store found: rotate itself says so
  }
  if (!kind || !isStoreKind(kind)) return;
  const problems = await preflight.checkWritable([kind === 'plain' ? sharedFilePaths(env).credentialsFile : kind === 'file' ? keyFilePath(env) : undefined].filter((f): f is string => !!f));
  // the file store's passphrase is checked against keys.enc only when it comes from the
  // environment: rotate asks on the terminal itself, once
  if (kind === 'keychain' || (kind === 'file' && (await import('../keys/passphraseSource.js')).passphraseConfigured(env))) problems.push(...(await preflight.checkKeyStore(kind, env, 'save')).problems);
  else if (kind === 'file') {
    try {
      await (await import('../keys/fileKeyStore.js')).checkFileStorePassphrase(env);
    } catch (error) {
      const { isUserError } = await import('../userError.js');
      if (!isUserError(error)) throw error;
      problems.push({ message: error.message, next: error.next });
    }
  }
  preflight.throwProblems('rotate', problems);
}

/** What exists when a rotation is interrupted, and the command that completes or undoes it. */
function describeInterruptedRotation(progress: RotationProgress, profile: string, again: string): string {
  const { entry, storedAccessKeyId: stored } = progress;
  if (progress.cleared) {
    return `rotate was interrupted after it had finished: profile ${profile} uses ${stored ?? 'its new key'}; nothing is left to do.`;
  }
  if (!entry) {
    return `rotate was interrupted before it changed anything${stored ? `: profile ${profile} still uses ${stored}` : ''}.\nto rotate, run the same command again: ${again}`;
  }
  const { oldAccessKeyId: old, newAccessKeyId: created, userName: user } = entry;
  const lines = [`rotate was interrupted. What exists now (user ${user}, profile ${profile}):`];
  if (created !== undefined && stored === created) {
    lines.push(`  + new key ${created}: active in IAM, stored in profile ${profile}, in use`);
    const gone = progress.point === 'deleted';
    lines.push(`  ${gone ? '-' : '='} old key ${old}: ${gone ? 'deleted in IAM' : `${entry.step === 'deactivated' ? 'inactive' : 'still active'} in IAM, no longer stored`}`);
    lines.push(`to finish it (delete the old key ${old}), run the same command again: ${again}`);
  } else {
    lines.push(`  = old key ${old}: active in IAM, stored in profile ${profile}, in use`);
    lines.push(
      created !== undefined
        ? `  + new key ${created}: created in IAM (active), not stored (its secret ended with this process)`
        : '  ? a new key: its creation was under way; it may exist in IAM (rotate\'s journal lets the next run find it)',
    );
    lines.push(`to undo it (delete the new key, keep ${old}) and rotate again, run the same command again: ${again}`);
  }
  lines.push('(rolegate status shows the unfinished rotation until then)');
  return lines.join('\n');
}
