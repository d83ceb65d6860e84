/**
 * An error meant for the person at the terminal: what happened, and what to do next.
 * Exit code 2 is bad input (flags, names, files we cannot parse); 1 is a failed operation or check;
 * 130 is an interruption (a prompt ended with Ctrl-C or Ctrl-D).
 * Anything else that escapes to the CLI is a bug and is reported as one.
 */
export type ExitCode = 1 | 2 | 130;

/** The mark every UserError carries, whichever copy of this module made it. */
const USER_ERROR = Symbol.for('rolegate.UserError');

export class UserError extends Error {
  readonly next: string | undefined;
  readonly exitCode: ExitCode;

  /**
   * The bundle holds more than one copy of this class (credentialProcess.cjs, and each ES module
   * entry it imports: the console sign-in's and the IAM Identity Center sign-in's), so an error
   * thrown by one copy is judged by its mark, not by its prototype. Subclasses keep the usual test.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== UserError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [USER_ERROR]?: unknown })[USER_ERROR] === true;
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
