import { createInterface } from 'node:readline';
import { interruptedAtPrompt, type PromptKey } from '../interrupt.js';
import { whileQuiet } from './terminalQuiet.js';

/** True when a person can answer: stdin and stderr are a terminal. Without one, nothing waits. */
export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/**
 * Asks one question on the terminal (stdin/stderr, so stdout stays clean for --json). Ctrl-C or
 * Ctrl-D (on an empty line) is an interruption, as SIGINT is: see interruptedAtPrompt.
 */
export function askLine(question: string): Promise<string> {
  return whileQuiet(() => askOnStdin(question));
}

function askOnStdin(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    // readline takes Ctrl-C as an event (no signal is sent) and ends the input on Ctrl-D
    let key: PromptKey = 'Ctrl-D';
    rl.on('SIGINT', () => {
      key = 'Ctrl-C';
      rl.close();
    });
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line.trim());
    });
    // close gives the terminal back (raw mode off) before the interruption's summary is printed
    rl.once('close', () => {
      if (!answered) reject(interruptedAtPrompt(key));
    });
    rl.setPrompt(question);
    rl.prompt();
  });
}
