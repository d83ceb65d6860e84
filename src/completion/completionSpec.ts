/**
 * What the shell completions know, read from commander's own tree (the commands, options and
 * arguments the CLI registers), so the scripts never drift from the CLI. Hidden commands and
 * options stay out. An argument named `profile`, and an option whose long name ends in `-profile`,
 * complete profile names, which the scripts read from the config files at completion time. An
 * option or argument with a fixed set of values completes them (commander's choices, else the table
 * in optionValues.ts). The scripts never expand what they offer: each shell's script quotes it.
 */
import type { Command, Option } from 'commander';
import { optionValues } from './optionValues.js';

export interface OptionSpec {
  /** Every spelling: `-y`, `--yes`. */
  names: string[];
  takesValue: boolean;
  /** Its value is a profile name. */
  profileValue: boolean;
  /** Its value is one of these words. */
  values?: string[];
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
  /** An argument with a fixed set of values (`completion SHELL`): its position and the values. */
  choiceArgument?: { position: number; values: string[] };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function optionSpec(option: Option, path: string[]): OptionSpec {
  const names = [option.short, option.long].filter((name): name is string => Boolean(name));
  const takesValue = option.required || option.optional;
  const values = option.argChoices ?? optionValues(path.join(' '), option.long ?? '');
  return {
    names,
    takesValue,
    profileValue: takesValue && /-profile$/.test(option.long ?? ''),
    ...(takesValue && values ? { values: [...values] } : {}),
    description: oneLine(option.description),
  };
}

function commandSpec(command: Command, path: string[]): CommandSpec {
  const help = command.createHelp();
  const subcommands = help.visibleCommands(command).map((sub) => commandSpec(sub, [...path, sub.name()]));
  const profileArgument = command.registeredArguments.findIndex((argument) => argument.name() === 'profile');
  const choiceArgument = command.registeredArguments.findIndex((argument) => argument.argChoices !== undefined);
  return {
    path,
    description: oneLine(command.summary() || command.description().split('\n')[0] || ''),
    options: help.visibleOptions(command).map((option) => optionSpec(option, path)),
    subcommands,
    ...(profileArgument >= 0 ? { profileArgument } : {}),
    ...(choiceArgument >= 0 ? { choiceArgument: { position: choiceArgument, values: [...command.registeredArguments[choiceArgument]!.argChoices!] } } : {}),
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
    /** [option or `#N` for the Nth operand, its values]: what the scripts offer after it. */
    values: [
      ...command.options.filter((o) => o.values).flatMap((o) => o.names.map((name): [string, string[]] => [name, o.values!])),
      ...(command.choiceArgument ? [[`#${command.choiceArgument.position}`, command.choiceArgument.values] as [string, string[]]] : []),
    ],
  };
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
