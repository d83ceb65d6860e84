import type { Command } from 'commander';

/** Each command lives in its own file and registers itself here; add new ones to this list. */
export type RegisterCommand = (program: Command) => void;

export const commandRegistrations: RegisterCommand[] = [];
