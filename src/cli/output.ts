import pc from 'picocolors';
import { isUserError } from '../userError.js';
import { terminalSafe } from '../terminalText.js';

export { terminalSafe };

/** picocolors honours NO_COLOR and FORCE_COLOR, and turns colour off when stdout is not a TTY. */
export const color = pc;

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints an error for a person: message, then the next step. Stack traces only with --debug. */
export function reportError(error: unknown, debug: boolean): void {
  const stderr = process.stderr;
  if (isUserError(error)) {
    // names and values from files and AWS are in these: control characters escaped, line by
    // line (a message's own line breaks, such as a list of setups, stay line breaks)
    const safe = (text: string) => text.split('\n').map(terminalSafe).join('\n');
    stderr.write(`rolegate: ${safe(error.message)}\n`);
    if (error.next) stderr.write(`  next: ${safe(error.next)}\n`);
    if (debug && error.cause) stderr.write(`${formatCause(error.cause)}\n`);
    return;
  }
  const message = terminalSafe(error instanceof Error ? error.message : String(error));
  stderr.write(`rolegate: unexpected error: ${message}\n`);
  if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  else stderr.write('  next: run again with --debug for details, and report it if it persists\n');
}

function formatCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}

/** A table of rows, columns padded to the widest cell (callers pass names through terminalSafe). */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
