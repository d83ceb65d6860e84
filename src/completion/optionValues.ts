/**
 * The values of options that take one of a fixed set of words but check it themselves (so commander
 * has no choices for them), keyed by command path and option. completionSpec.test.ts checks each
 * list against the constant the command checks with, and each option against the command tree.
 */
const STORES = ['keychain', 'file', 'plain'];

const TABLE: Record<string, Record<string, readonly string[]>> = {
  setup: { '--store': STORES, '--trust': ['account', 'user'], '--emit': ['cloudformation', 'terraform'] },
  rotate: { '--store': STORES },
  teardown: { '--store': STORES },
  import: { '--store': ['keychain', 'file'] },
  env: { '--format': ['bash', 'zsh', 'fish', 'powershell', 'dotenv', 'json'] },
  audit: { '--fail-on': ['critical', 'high', 'medium', 'low', 'info'] },
};

export function optionValues(commandPath: string, option: string): readonly string[] | undefined {
  return TABLE[commandPath]?.[option];
}

/** Every entry, for the test that keeps the table true to the CLI. */
export function optionValueTable(): Array<{ command: string; option: string; values: readonly string[] }> {
  return Object.entries(TABLE).flatMap(([command, options]) => Object.entries(options).map(([option, values]) => ({ command, option, values })));
}
