/**
 * Ctrl-C (SIGINT) or SIGTERM while setup, teardown or rotate runs: print what exists now and the
 * command that completes or undoes it, then exit 130 (the shell's code for an interrupted job).
 *
 * One window is different: from the moment CreateAccessKey is sent until the new key's secret is
 * stored, leaving would strand an active key whose secret nobody holds. A signal that arrives
 * there is held (`finishBeforeInterrupt`) and acted on as soon as the key is stored, or its
 * creation undone; the window's calls are bounded by the network timeouts. The same signal again
 * stops at once, and the next run deletes the stranded key (as after a kill).
 *
 * A person's Ctrl-C or Ctrl-D at a prompt sends no signal (the prompt reads the terminal raw), so
 * the prompt calls `interruptedAtPrompt`, which takes the same path as a SIGINT.
 */
import { UserError } from './userError.js';

/** The keys a person ends a prompt with. */
export type PromptKey = 'Ctrl-C' | 'Ctrl-D';
type Handler = (signal: NodeJS.Signals, key?: PromptKey) => void;

/** What each registration prints and exits with, and what reacts to a signal (the held window first). */
const handlers = new Set<Handler>();
const listeners = new Set<Handler>();
let held: { what: string; signal?: NodeJS.Signals; key?: PromptKey } | undefined;

function signalName(signal: NodeJS.Signals, key?: PromptKey): string {
  return signal === 'SIGINT' ? `interrupted (${key ?? 'Ctrl-C'})` : `stopped (${signal})`;
}

/** Registers what an interruption prints; returns a function that removes the handlers again. */
export function onInterrupt(describe: () => string): () => void {
  const exit: Handler = (signal, key) => {
    let text: string;
    try {
      text = describe();
    } catch {
      text = 'interrupted';
    }
    process.stderr.write(`\nrolegate: ${signalName(signal, key)}.\n${text}\n`);
    process.exit(130);
  };
  const handler: Handler = (signal, key) => {
    if (held && !held.signal) {
      held.signal = signal;
      held.key = key;
      const again = signal === 'SIGINT' ? 'Ctrl-C again' : `${signal} again`;
      process.stderr.write(
        `\nrolegate: ${signalName(signal, key)}: stopping as soon as ${held.what}, so that no access key is left without a stored copy ` +
          `(${again} stops now; the next run then deletes the new key).\n`,
      );
      return;
    }
    exit(signal, key);
  };
  // process.on passes the signal's name as the only argument
  const onSignal = (signal: NodeJS.Signals) => handler(signal);
  handlers.add(exit);
  listeners.add(handler);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    handlers.delete(exit);
    listeners.delete(handler);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * A person ended a prompt with Ctrl-C or Ctrl-D: an interruption, as if SIGINT had come. With a
 * command's summary registered this prints it and exits 130, unless the held window is open (then
 * the exit follows when the window closes, and the prompt rejects with the error returned). Without
 * one (credential-process, verify, env) it says so in one line and exits 130: no caller can take
 * the answer for a failed check and go on. Call it once the prompt has given the terminal back.
 */
export function interruptedAtPrompt(key: PromptKey): UserError {
  // the first registration reacts, as it does to a signal (its exit ends the process)
  const first = [...listeners][0];
  if (first) first('SIGINT', key);
  else {
    process.stderr.write(`rolegate: interrupted (${key}) at the prompt.\n`);
    process.exit(130);
  }
  return new UserError(`interrupted (${key}) at the prompt`, { exitCode: 130 });
}

/**
 * Runs `work` with interruptions held until it ends (see above): `what` completes the sentence
 * "stopping as soon as …". Without a handler registered (no command asked for one) it just runs.
 */
export async function finishBeforeInterrupt<T>(what: string, work: () => Promise<T>): Promise<T> {
  if (handlers.size === 0 || held) return work();
  const window: { what: string; signal?: NodeJS.Signals; key?: PromptKey } = { what };
  held = window;
  try {
    return await work();
  } finally {
    held = undefined;
    if (window.signal) for (const exit of [...handlers]) exit(window.signal, window.key);
  }
}
