import type { Command } from 'commander';
import { register as registerRotate } from './rotate.js';
import { register as registerVerify } from './verify.js';
import { register as registerSetup } from './setup.js';
import { register as registerTeardown } from './teardown.js';

/** Each command lives in its own file and registers itself here; add new ones to this list. */
export type RegisterCommand = (program: Command) => void;

export const commandRegistrations: RegisterCommand[] = [registerVerify, registerRotate, registerSetup, registerTeardown];
