/**
 * Runs a peer's command the way a person at a terminal would, minus the terminal: in a session of
 * its own (setsid, so no /dev/tty and Python's getpass reads the code from stdin), answering each
 * MFA prompt it prints with a code as soon as the prompt appears. Counts the prompts.
 */
import { spawnTimed } from '../cpuTime.js';

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
}

export function runAnswering(file: string, args: string[], options: AnswerOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    // through the CPU-time wrapper (cpuTime.ts), which execs the command with these pipes
    const { child, timing } = spawnTimed(file, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let prompts = 0;
    const answer = () => {
      if (!options.prompt) return;
      const seen = (stdout + stderr).match(options.prompt)?.length ?? 0;
      while (prompts < seen) {
        prompts += 1;
        if (!options.code) throw new Error(`${file} asked for an MFA code and none was planned`);
        options.code().then(
          (code) => child.stdin!.writable && child.stdin!.write(`${code}\n`),
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
