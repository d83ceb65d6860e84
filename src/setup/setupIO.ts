import { confirm } from '../prompt/confirm.js';
import { canAsk } from '../prompt/terminalQuestion.js';
import { registerAnimation } from '../prompt/terminalQuiet.js';

/**
 * Where setup and teardown talk to people: one line per step, a spinner only on a TTY, questions
 * only when someone can answer. Under --json every human line goes to stderr, JSON to stdout.
 */
export interface SetupIO {
  json: boolean;
  yes: boolean;
  canAsk: boolean;
  line(text: string): void;
  /** Instructions for the person at the terminal (QR code, waits). */
  terminal(text: string): void;
  step<T>(text: string, work: () => Promise<T>): Promise<T>;
  confirm(question: string, otherwise?: boolean): Promise<boolean>;
}

export async function createSetupIO(options: { json: boolean; yes: boolean }): Promise<SetupIO> {
  const human = options.json ? process.stderr : process.stdout;
  const spinnerOn = Boolean(process.stderr.isTTY) && !process.env.CI;
  const createSpinner = spinnerOn ? (await import('yocto-spinner')).default : undefined;
  return {
    json: options.json,
    yes: options.yes,
    canAsk: canAsk(),
    line: (text) => void human.write(text + '\n'),
    terminal: (text) => void process.stderr.write(text),
    async step(text, work) {
      if (!createSpinner) return work();
      const spinner = createSpinner({ text, stream: process.stderr }).start();
      // a step may ask (the key file's passphrase): the spinner stands still while it does
      const unregister = registerAnimation({ pause: () => spinner.stop(), resume: () => spinner.start() });
      try {
        return await work();
      } finally {
        unregister();
        spinner.stop();
      }
    },
    confirm: (question, otherwise) => confirm(question, { yes: options.yes, otherwise }),
  };
}
