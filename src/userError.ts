/**
 * An error meant for the person at the terminal: what happened, and what to do next.
 * Exit code 2 is bad input (flags, names, files we cannot parse); 1 is a failed operation or check;
 * 130 is an interruption (a prompt ended with Ctrl-C or Ctrl-D).
 * Anything else that escapes to the CLI is a bug and is reported as one.
 */
export type ExitCode = 1 | 2 | 130;

/** The mark every UserError carries, whichever copy of this module made it. */
const USER_ERROR = Symbol.for('rolegate.UserError');

/**
 * `instanceof` for a class the bundle holds more than one copy of (credentialProcess.cjs, and each
 * ES module entry it imports: the console sign-in's and the IAM Identity Center sign-in's): the
 * class itself (`base`) judges by the registered `mark` its constructor sets, so an error thrown by
 * one copy is recognised by another; a subclass keeps the usual prototype test.
 */
export function isMarkedInstance(self: Function, base: Function, mark: symbol, value: unknown): boolean {
  if (self !== base) return Function.prototype[Symbol.hasInstance].call(self, value);
  return typeof value === 'object' && value !== null && (value as { [key: symbol]: unknown })[mark] === true;
}

export class UserError extends Error {
  readonly next: string | undefined;
  readonly exitCode: ExitCode;

  /** Judged by its mark across the bundle's copies of this class (isMarkedInstance). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isMarkedInstance(this, UserError, USER_ERROR, value);
  }

  constructor(message: string, options: { next?: string; exitCode?: ExitCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, USER_ERROR, { value: true });
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
