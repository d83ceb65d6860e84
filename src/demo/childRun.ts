import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT: not installed). */
  startError?: NodeJS.ErrnoException;
  timedOut: boolean;
}

/**
 * Runs a program to completion with a bounded wait, collecting its output. Never rejects: the
 * caller decides what an exit status or a missing program means.
 */
export function runChild(
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; input?: string; /** ends the program early (the demo was interrupted) */ signal?: AbortSignal },
): Promise<ChildResult> {
  return new Promise((resolve) => {
    // a process group of its own, so that ending it ends what it started too (pip's build steps,
    // ensurepip under python -m venv)
    const child = spawn(file, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const end = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    options.signal?.addEventListener('abort', end, { once: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      end();
    }, options.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', end);
      resolve({ code: null, signal: null, stdout, stderr, startError: error, timedOut });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', end);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {
      /* a program may exit without reading its input */
    });
    child.stdin.end(options.input ?? '');
  });
}
