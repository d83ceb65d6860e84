/**
 * An error meant for the person at the terminal: what happened, and what to do next.
 * Exit code 2 is bad input (flags, names, files we cannot parse); 1 is a failed operation or check;
 * 130 is an interruption (a prompt ended with Ctrl-C or Ctrl-D).
 * Anything else that escapes to the CLI is a bug and is reported as one.
 */
export type ExitCode = 1 | 2 | 130;

export class UserError extends Error {
  readonly next: string | undefined;
  readonly exitCode: ExitCode;

  constructor(message: string, options: { next?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.next = options.next;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad input: exit 2. */
export function badInput(message: string, next?: string): UserError {
  return new UserError(message, { next, exitCode: 2 });
}

export function isUserError(value: unknown): value is UserError {
  return value instanceof UserError;
}
