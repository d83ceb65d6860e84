/**
 * Ctrl-C (SIGINT) or SIGTERM while setup, teardown or rotate runs: print what exists now and the
 * command that completes or undoes it, then exit 130 (the shell's code for an interrupted job).
 * Returns a function that removes the handlers again.
 */
export function onInterrupt(describe: () => string): () => void {
  const handler = (signal: NodeJS.Signals) => {
    let text: string;
    try {
      text = describe();
    } catch {
      text = 'interrupted';
    }
    process.stderr.write(`\nrolegate: ${signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : `stopped (${signal})`}.\n${text}\n`);
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
