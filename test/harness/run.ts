import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pyZygoteClient, rolegateBin, venvBin } from './paths.js';
import { recordSecretsIn, recordSecretsOf, recordSecretsOfEnv } from './secretRegistry.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * Runs a program to completion; never rejects on a non-zero exit (tests assert on `code`). The
 * program runs in a session of its own (detached: setsid), without the controlling terminal of
 * whoever started the tests, so a run from a developer's shell sees no /dev/tty, as in CI; tests
 * that want a terminal make one (script, pty).
 */
export function run(file: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    recordSecretsOfEnv(options.env);
    recordSecretsIn(options.input ?? '');
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // noted for the run's final scan (leakScan.ts): what a program printed may hold secrets
      recordSecretsIn(stdout);
      recordSecretsIn(stderr);
      resolve({ code, signal, stdout, stderr });
    });
    // A program that exits without reading its input closes the pipe first: not a test failure.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * `aws ARGS` or `python -c CODE` from the project's venv: through the test run's warm Python
 * (py_zygote.py, started by scripts/run-tests.mjs) when there is one, which runs the same program
 * with this process's descriptors, environment and working directory, and exits as it does.
 */
function runPython(kind: 'aws' | 'python', args: string[], options: RunOptions): Promise<RunResult> {
  const zygote = process.env.ROLEGATE_TEST_PY_ZYGOTE;
  if (!zygote) return run(join(venvBin, kind), args, options);
  return run(join(venvBin, 'python'), ['-I', '-S', pyZygoteClient, zygote, kind, ...args], options);
}

/** The real AWS CLI (v1, from the project's venv). */
export function runAws(args: string[], options: RunOptions): Promise<RunResult> {
  return runPython('aws', args, options);
}

/** A boto3 snippet; whatever it prints as JSON on its last line is returned parsed. */
export async function runBoto3<T = unknown>(code: string, options: RunOptions): Promise<T> {
  const result = await runPython('python', ['-c', code], options);
  if (result.code !== 0) throw new Error(`boto3 snippet failed (${result.code}): ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  const parsed = JSON.parse(lines[lines.length - 1] ?? 'null') as T;
  recordSecretsOf(parsed);
  return parsed;
}

/** The built rolegate CLI, as a user would run it. */
export function runRolegate(args: string[], options: RunOptions): Promise<RunResult> {
  return run(process.execPath, [rolegateBin, ...args], options);
}
