/**
 * MFA codes (and the key file's passphrase) typed at the terminal. The terminal is opened through
 * /dev/tty, not stdin/stdout: under `credential_process` the SDK captures both stdout and stderr,
 * and `eval "$(rolegate env)"` captures stdout, yet the person at the keyboard must still see the
 * question. Without a controlling terminal, `terminalAvailable()` is false and callers fail fast.
 */
import { openSync, closeSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { interruptedAtPrompt, type PromptKey } from '../interrupt.js';
import { UserError } from '../userError.js';
import { whileQuiet } from './terminalQuiet.js';

const TTY_PATH = '/dev/tty';

export function terminalAvailable(): boolean {
  if (process.platform === 'win32') return false;
  try {
    closeSync(openSync(TTY_PATH, 'r+'));
    return true;
  } catch {
    return false;
  }
}

export interface TerminalLineOptions {
  /** Do not echo what is typed (passphrases). */
  hidden?: boolean;
  /** Give up after this long (default 3 minutes), so no process hangs forever on a prompt. */
  timeoutMs?: number;
}

/** Asks one question on the terminal and resolves with the line typed (without the newline). */
export function readTerminalLine(question: string, options: TerminalLineOptions = {}): Promise<string> {
  return whileQuiet(() => readLineFromTty(question, options));
}

function readLineFromTty(question: string, options: TerminalLineOptions): Promise<string> {
  let readFd: number;
  let writeFd: number;
  try {
    readFd = openSync(TTY_PATH, 'r');
    writeFd = openSync(TTY_PATH, 'w');
  } catch (cause) {
    return Promise.reject(new UserError('there is no terminal to ask on', { cause }));
  }
  const input = new ReadStream(readFd);
  const output = new WriteStream(writeFd);
  const timeoutMs = options.timeoutMs ?? 180_000;
  return new Promise<string>((resolve, reject) => {
    let line = '';
    // `error` may be made only once the terminal is given back (an interruption's summary follows)
    const finish = (error: Error | (() => Error) | undefined, value?: string) => {
      clearTimeout(timer);
      input.removeListener('data', onData);
      try {
        input.setRawMode(false);
      } catch {
        // the terminal may be gone already
      }
      output.write('\n');
      input.destroy();
      output.end();
      if (error) reject(typeof error === 'function' ? error() : error);
      else resolve(value ?? '');
    };
    const interrupted = (key: PromptKey) => finish(() => interruptedAtPrompt(key));
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(undefined, line);
        // an interruption, as SIGINT would be (raw mode turns Ctrl-C into a character)
        if (char === '\u0003') return interrupted('Ctrl-C');
        if (char === '\u0004' && line === '') return interrupted('Ctrl-D');
        if (char === '\u007f' || char === '\b') {
          if (line.length > 0) {
            line = line.slice(0, -1);
            if (!options.hidden) output.write('\b \b');
          }
          continue;
        }
        if (char < ' ') continue;
        line += char;
        if (!options.hidden) output.write(char);
      }
    };
    const timer = setTimeout(
      () => finish(new UserError(`no answer at the prompt within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    input.setRawMode(true);
    input.on('data', onData);
    input.on('error', (error) => finish(new UserError('could not read from the terminal', { cause: error })));
    output.write(question);
  });
}

/** Why an answer is not a code, said before asking again. */
export function notACodeReason(answer: string): string {
  if (answer === '') return 'nothing was entered';
  if (/^\d+$/.test(answer)) return `that was ${answer.length} digits, and a code has 6`;
  return 'a code is 6 digits only (no spaces or letters)';
}

/** Asks for a 6-digit code for `serial`, asking again (up to 3 times) when the answer is not one, and saying why. */
export async function promptMfaCodeOnTerminal(serial: string, options: { label?: string; timeoutMs?: number; note?: string } = {}): Promise<string> {
  const label = options.label ? ` (${options.label})` : '';
  let note = options.note ?? '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = (await readTerminalLine(`rolegate: ${note}MFA code for ${serial}${label}: `, { timeoutMs: options.timeoutMs })).trim();
    if (/^\d{6}$/.test(answer)) return answer;
    note = `${notACodeReason(answer)}; try again. `;
  }
  throw new UserError('no 6-digit MFA code was entered', { next: 'run the command again and type the code your authenticator app shows' });
}
