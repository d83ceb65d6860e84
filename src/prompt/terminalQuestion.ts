import { createInterface } from 'node:readline/promises';
import { whileQuiet } from './terminalQuiet.js';

/** True when a person can answer: stdin and stderr are a terminal. Without one, nothing waits. */
export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Asks one question on the terminal (stdin/stderr, so stdout stays clean for --json). */
export function askLine(question: string): Promise<string> {
  return whileQuiet(() => askOnStdin(question));
}

async function askOnStdin(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // readline swallows Ctrl-C while it reads; hand it back to the process so it ends as expected
  rl.on('SIGINT', () => {
    rl.close();
    process.kill(process.pid, 'SIGINT');
  });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
