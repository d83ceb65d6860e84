/**
 * Runs a peer's command the way a person at a terminal would, minus the terminal: in a session of
 * its own (setsid, so no /dev/tty and Python's getpass reads the code from stdin), answering each
 * MFA prompt it prints with a code as soon as the prompt appears. Counts the prompts.
 */
import { spawn } from 'node:child_process';
import { cpuWrapper, spawnTimed, wrapperTiming } from '../cpuTime.js';

/**
 * For a peer that asks at a terminal (granted's form reads the terminal raw): the command runs on
 * a pseudo-terminal (Python's pty) under the CPU-time wrapper, which writes its timing on fd 3 as
 * usual (the relay's own CPU is not counted); the screen comes out on stdout, what is written to
 * stdin is typed, and a cursor-position query is answered as a terminal would. The relay ends when
 * the command does, with its exit status.
 */
const PTY_RELAY = String.raw`
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
inputs = [fd, 0]
while True:
    r, _, _ = select.select(inputs, [], [], 1)
    if fd in r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            break
        # a terminal answers a cursor-position query (survey asks before drawing its form), before
        # the screen is passed on: a code typed after what the screen shows comes after the answer
        for _ in range(data.count(b"\x1b[6n")):
            os.write(fd, b"\x1b[24;1R")
        os.write(1, data)
    if 0 in r:
        data = os.read(0, 4096)
        if data:
            os.write(fd, data)
        else:
            inputs = [fd]
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) & 255)
`;

function spawnOnTerminal(file: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn('python3', ['-c', PTY_RELAY, cpuWrapper(), file, ...args], { env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], detached: true });
  return { child, timing: wrapperTiming(child) };
}

export interface Ran {
  ms: number;
  /** CPU time (user + system) of the command and the children it waited for. */
  cpuMs: number;
  ok: boolean;
  stdout: string;
  stderr: string;
  prompts: number;
}

export interface AnswerOptions {
  env: NodeJS.ProcessEnv;
  /** What the peer prints when it wants a code (global). */
  prompt?: RegExp;
  /** The code to type at a prompt. */
  code?: () => Promise<string>;
  timeoutMs?: number;
  /** Run on a pseudo-terminal (spawnOnTerminal), for a peer whose prompt needs one. */
  terminal?: boolean;
}

const TYPING_DELAY_MS = 300;

export function runAnswering(file: string, args: string[], options: AnswerOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    // through the CPU-time wrapper (cpuTime.ts), which execs the command with these pipes
    const { child, timing } = options.terminal
      ? spawnOnTerminal(file, args, options.env)
      : spawnTimed(file, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let prompts = 0;
    const answer = () => {
      if (!options.prompt) return;
      const seen = (stdout + stderr).match(options.prompt)?.length ?? 0;
      while (prompts < seen) {
        prompts += 1;
        if (!options.code) throw new Error(`${file} asked for an MFA code and none was planned`);
        // at a terminal, typed a moment after the form appears (survey flushes what came before it
        // put the terminal in raw mode, as a person never types that fast)
        const typed = options.terminal ? options.code().then((code) => new Promise<string>((resolve) => setTimeout(() => resolve(code), TYPING_DELAY_MS))) : options.code();
        typed.then(
          (code) => child.stdin!.writable && child.stdin!.write(`${code}${options.terminal ? '\r' : '\n'}`),
          (error: unknown) => child.kill('SIGKILL') && reject(error),
        );
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      answer();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      answer();
    });
    child.stdin!.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    // bounded: a peer that waits for something we never give is ended, and counts as failed
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs ?? 90_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      child.stdin!.destroy();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      void timing.then((t) => resolve({ ms, cpuMs: t?.cpuMs ?? Number.NaN, ok: code === 0, stdout, stderr, prompts }));
    });
  });
}
