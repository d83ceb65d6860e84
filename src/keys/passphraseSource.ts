/**
 * Where the key file's passphrase comes from when no one types it, first found wins:
 *   ROLEGATE_FILE_PASSPHRASE_FD       a file descriptor rolegate inherits, read to its end
 *                                     (`3< ~/.secret`, or a pipe from a password manager)
 *   ROLEGATE_FILE_PASSPHRASE_COMMAND  a command whose output is the passphrase (`pass show rolegate`),
 *                                     run through /bin/sh when the passphrase is needed
 *   ROLEGATE_FILE_PASSPHRASE          the passphrase itself: the simplest, and the most exposed
 *                                     (every process of the same user can read /proc/PID/environ)
 * One trailing newline is dropped. A descriptor can be read once: the answer is kept for the process.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, readFileSync } from 'node:fs';
import { childEnv, PASSPHRASE_COMMAND_VARIABLE, PASSPHRASE_FD_VARIABLE, PASSPHRASE_VARIABLE } from '../childEnv.cjs';
import { badInput, UserError } from '../userError.js';

export { PASSPHRASE_COMMAND_VARIABLE, PASSPHRASE_FD_VARIABLE, PASSPHRASE_VARIABLE };

/** How long a passphrase command may take (it may ask for a PIN or a touch). */
export const PASSPHRASE_COMMAND_TIMEOUT_MS = 120_000;
const MAX_PASSPHRASE_BYTES = 64 * 1024;

/** Whether any of the three is set (no terminal needed for the passphrase). */
export function passphraseConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env[PASSPHRASE_FD_VARIABLE] || env[PASSPHRASE_COMMAND_VARIABLE] || env[PASSPHRASE_VARIABLE]);
}

/** The variable the passphrase comes from, for messages. */
export function passphraseOrigin(env: NodeJS.ProcessEnv): string {
  return env[PASSPHRASE_FD_VARIABLE] ? PASSPHRASE_FD_VARIABLE : env[PASSPHRASE_COMMAND_VARIABLE] ? PASSPHRASE_COMMAND_VARIABLE : PASSPHRASE_VARIABLE;
}

const oneLine = (text: string) => text.replace(/\r?\n$/, '');
const read = new Map<string, Promise<string | undefined>>();

function fromDescriptor(text: string): string {
  if (!/^\d+$/.test(text)) throw badInput(`${PASSPHRASE_FD_VARIABLE} is ${text}, not a file descriptor number`, `set ${PASSPHRASE_FD_VARIABLE} to the number of a descriptor open for reading, e.g. 3 with 3< FILE`);
  const fd = Number(text);
  const unreadable = (why: string) =>
    new UserError(`could not read the passphrase from file descriptor ${fd} (${PASSPHRASE_FD_VARIABLE}): ${why}`, {
      next: `open it for rolegate, e.g. ${PASSPHRASE_FD_VARIABLE}=3 rolegate ... 3< FILE`,
    });
  // A number that names no descriptor given to rolegate may name one of Node's own (its event
  // loop's): reading or closing that would break the process, so only a file, pipe, socket or
  // terminal is read, and a descriptor is closed (kept from children) only once it gave a passphrase.
  let bytes: Buffer;
  try {
    const stat = fstatSync(fd);
    if (!(stat.isFile() || stat.isFIFO() || stat.isSocket() || stat.isCharacterDevice())) throw unreadable('it is not a file, pipe or terminal');
    bytes = readFileSync(fd);
  } catch (error) {
    throw error instanceof UserError ? error : unreadable((error as Error).message);
  }
  if (fd > 2) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
  return oneLine(bytes.toString('utf8'));
}

function fromCommand(command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    // stdin and stderr stay the person's: a password manager may ask for a PIN there
    const child = spawn('/bin/sh', ['-c', command], { env: childEnv(env), stdio: ['inherit', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new UserError(`${PASSPHRASE_COMMAND_VARIABLE} did not finish within ${PASSPHRASE_COMMAND_TIMEOUT_MS / 1000} s`, { next: 'run the command by hand: it must print the passphrase and exit' }));
    }, PASSPHRASE_COMMAND_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PASSPHRASE_BYTES) chunks.push(chunk);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new UserError(`${PASSPHRASE_COMMAND_VARIABLE} could not be started: ${error.message}`, { next: `check ${PASSPHRASE_COMMAND_VARIABLE}` }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const passphrase = oneLine(Buffer.concat(chunks).toString('utf8'));
      if (code !== 0) reject(new UserError(`${PASSPHRASE_COMMAND_VARIABLE} failed (${signal ?? `exit ${code}`})`, { next: 'run the command by hand and fix it: it must print the passphrase and exit 0' }));
      else if (passphrase === '') reject(new UserError(`${PASSPHRASE_COMMAND_VARIABLE} printed no passphrase`, { next: 'make the command print the passphrase on stdout' }));
      else resolve(passphrase);
    });
  });
}

/** The passphrase from the descriptor, the command or the variable; undefined when none is set. */
export function passphraseFromEnvironment(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const key = `${env[PASSPHRASE_FD_VARIABLE] ?? ''}\0${env[PASSPHRASE_COMMAND_VARIABLE] ?? ''}\0${env[PASSPHRASE_VARIABLE] ?? ''}`;
  let answer = read.get(key);
  if (!answer) {
    answer = (async () => {
      if (env[PASSPHRASE_FD_VARIABLE]) return fromDescriptor(env[PASSPHRASE_FD_VARIABLE]!);
      if (env[PASSPHRASE_COMMAND_VARIABLE]) return fromCommand(env[PASSPHRASE_COMMAND_VARIABLE]!, env);
      return env[PASSPHRASE_VARIABLE] || undefined;
    })();
    read.set(key, answer);
    answer.catch(() => read.delete(key));
  }
  return answer;
}
