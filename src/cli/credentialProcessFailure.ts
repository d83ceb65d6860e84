/**
 * How `credential-process` says that it failed: the message and its next step on stderr, and the
 * exit code. Shared by its full path (credentialProcess.ts) and the hourly role refresh
 * (roleRefresh.ts), so both say a failure the same way.
 */
import { writeOut } from './writeOut.cjs';

export function fail(message: string, next: string | undefined, code: number): number {
  writeOut(2, `rolegate: ${message}\n${next ? `  next: ${next}\n` : ''}`);
  return code;
}

/** Says `error` (with its stack under --debug) and returns the exit code. */
export async function failWith(error: unknown, debug: boolean): Promise<number> {
  // names from the config are in messages: control characters escaped (loaded on this path only)
  const [{ isUserError }, { terminalSafe }] = await Promise.all([import('../userError.js'), import('../terminalText.js')]);
  if (isUserError(error)) {
    if (debug && error.cause) writeOut(2, `${String((error.cause as Error).stack ?? error.cause)}\n`);
    return fail(terminalSafe(error.message), error.next === undefined ? undefined : terminalSafe(error.next), error.exitCode);
  }
  const message = terminalSafe(error instanceof Error ? error.message : String(error));
  if (debug && error instanceof Error) writeOut(2, `${error.stack}\n`);
  return fail(`unexpected error: ${message}`, 'run again with --debug for details, and report it if it persists', 1);
}
