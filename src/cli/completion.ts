import { Argument, Option, type Command } from 'commander';
import { SHELLS } from '../completion/completionSpec.js';

export function register(program: Command): void {
  program
    .command('completion')
    .summary('print a shell completion script (bash, zsh or fish)')
    .description(
      'Print a completion script for bash, zsh or fish: commands, the options of each command, and profile names, ' +
        'which the script reads from the config and credentials files each time you press Tab.',
    )
    .addArgument(new Argument('<shell>', 'the shell to complete for').choices(SHELLS).argOptional())
    // what the scripts call for profile names; not for people
    .addOption(new Option('--profiles', 'print the profile names, one a line').hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate completion bash > ~/.local/share/bash-completion/completions/rolegate
  $ source <(rolegate completion zsh)

Install:
  bash   echo 'source <(rolegate completion bash)' >> ~/.bashrc
  zsh    echo 'source <(rolegate completion zsh)' >> ~/.zshrc      (after compinit)
  fish   rolegate completion fish > ~/.config/fish/completions/rolegate.fish`,
    )
    .action(async (shell: (typeof SHELLS)[number] | undefined, flags: { profiles?: boolean }, command: Command) => {
      if (flags.profiles) {
        const { readSharedProfiles, profileNames } = await import('../config/profiles.js');
        const { hasControlCharacters } = await import('../terminalText.js');
        // a name with a newline, tab or escape cannot be offered as one line, nor shown safely
        const names = profileNames(await readSharedProfiles()).filter((name) => !hasControlCharacters(name));
        if (names.length > 0) process.stdout.write(names.join('\n') + '\n');
        return;
      }
      if (!shell) {
        const { badInput } = await import('../userError.js');
        throw badInput('which shell? rolegate completion needs one of: bash, zsh, fish', 'run rolegate completion bash (or zsh, fish); rolegate completion --help shows how to install it');
      }
      const { completionScript } = await import('../completion/completionScript.js');
      process.stdout.write(completionScript(command.parent!, shell));
    });
}
