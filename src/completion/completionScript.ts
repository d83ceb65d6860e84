import type { Command } from 'commander';
import { bashCompletion } from './bashCompletion.js';
import { completionSpec, type Shell } from './completionSpec.js';
import { fishCompletion } from './fishCompletion.js';
import { zshCompletion } from './zshCompletion.js';

export { SHELLS, type Shell } from './completionSpec.js';

/** The completion script for `shell`, generated from the program's command tree. */
export function completionScript(program: Command, shell: Shell): string {
  const spec = completionSpec(program);
  switch (shell) {
    case 'bash':
      return bashCompletion(spec);
    case 'zsh':
      return zshCompletion(spec);
    case 'fish':
      return fishCompletion(spec);
  }
}
