/**
 * What the shell completions know, read from commander's own tree (the commands, options and
 * arguments the CLI registers), so the scripts never drift from the CLI. Hidden commands and
 * options stay out. An argument named `profile`, and an option whose long name ends in `-profile`,
 * complete profile names, which the scripts read from the config files at completion time.
 */
import type { Command, Option } from 'commander';

export interface OptionSpec {
  /** Every spelling: `-y`, `--yes`. */
  names: string[];
  takesValue: boolean;
  /** Its value is a profile name. */
  profileValue: boolean;
  description: string;
}

export interface CommandSpec {
  /** Words after `rolegate` that reach this command: [] for the program, ['config', 'get']. */
  path: string[];
  description: string;
  options: OptionSpec[];
  subcommands: CommandSpec[];
  /** The position (0-based, among the command's own operands) of a profile argument, if any. */
  profileArgument?: number;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function optionSpec(option: Option): OptionSpec {
  const names = [option.short, option.long].filter((name): name is string => Boolean(name));
  const takesValue = option.required || option.optional;
  return { names, takesValue, profileValue: takesValue && /-profile$/.test(option.long ?? ''), description: oneLine(option.description) };
}

function commandSpec(command: Command, path: string[]): CommandSpec {
  const help = command.createHelp();
  const subcommands = help.visibleCommands(command).map((sub) => commandSpec(sub, [...path, sub.name()]));
  const profileArgument = command.registeredArguments.findIndex((argument) => argument.name() === 'profile');
  return {
    path,
    description: oneLine(command.summary() || command.description().split('\n')[0] || ''),
    options: help.visibleOptions(command).map(optionSpec),
    subcommands,
    ...(profileArgument >= 0 ? { profileArgument } : {}),
  };
}

export function completionSpec(program: Command): CommandSpec {
  return commandSpec(program, []);
}

/** The program and every command below it, parents first. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(allCommands)];
}

/** What each shell's script needs of one command: every option name, which take a value or a profile, and the subcommands. */
export function completionWords(command: CommandSpec) {
  return {
    options: command.options.flatMap((o) => o.names.map((name) => ({ name, description: o.description }))),
    valued: command.options.filter((o) => o.takesValue).flatMap((o) => o.names),
    profiles: command.options.filter((o) => o.profileValue).flatMap((o) => o.names),
    subcommands: command.subcommands.map((s) => ({ name: s.path[s.path.length - 1]!, description: s.description })),
  };
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
