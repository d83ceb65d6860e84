/**
 * Ctrl-C (SIGINT) or SIGTERM while setup, teardown or rotate runs: print what exists now and the
 * command that completes or undoes it, then exit 130 (the shell's code for an interrupted job).
 *
 * One window is different: from the moment CreateAccessKey is sent until the new key's secret is
 * stored, leaving would strand an active key whose secret nobody holds. A signal that arrives
 * there is held (`finishBeforeInterrupt`) and acted on as soon as the key is stored, or its
 * creation undone; the window's calls are bounded by the network timeouts. The same signal again
 * stops at once, and the next run deletes the stranded key (as after a kill).
 */
type Handler = (signal: NodeJS.Signals) => void;

const handlers = new Set<Handler>();
let held: { what: string; signal?: NodeJS.Signals } | undefined;

function signalName(signal: NodeJS.Signals): string {
  return signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : `stopped (${signal})`;
}

/** Registers what an interruption prints; returns a function that removes the handlers again. */
export function onInterrupt(describe: () => string): () => void {
  const exit: Handler = (signal) => {
    let text: string;
    try {
      text = describe();
    } catch {
      text = 'interrupted';
    }
    process.stderr.write(`\nrolegate: ${signalName(signal)}.\n${text}\n`);
    process.exit(130);
  };
  const handler: Handler = (signal) => {
    if (held && !held.signal) {
      held.signal = signal;
      const again = signal === 'SIGINT' ? 'Ctrl-C again' : `${signal} again`;
      process.stderr.write(
        `\nrolegate: ${signalName(signal)}: stopping as soon as ${held.what}, so that no access key is left without a stored copy ` +
          `(${again} stops now; the next run then deletes the new key).\n`,
      );
      return;
    }
    exit(signal);
  };
  handlers.add(exit);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    handlers.delete(exit);
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * Runs `work` with interruptions held until it ends (see above): `what` completes the sentence
 * "stopping as soon as …". Without a handler registered (no command asked for one) it just runs.
 */
export async function finishBeforeInterrupt<T>(what: string, work: () => Promise<T>): Promise<T> {
  if (handlers.size === 0 || held) return work();
  const window: { what: string; signal?: NodeJS.Signals } = { what };
  held = window;
  try {
    return await work();
  } finally {
    held = undefined;
    if (window.signal) for (const exit of [...handlers]) exit(window.signal);
  }
}
