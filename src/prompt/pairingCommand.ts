import { spawn } from 'node:child_process';
import { childEnv } from '../childEnv.cjs';
import { UserError } from '../userError.js';

/**
 * Runs a user-given shell command (--mfa-pair-command, --mfa-code-command) with `input` on its stdin
 * and returns its stdout. Its stderr goes to ours (a hardware key may ask for a touch). Neither the
 * input nor the output appears in an error message: they may hold the MFA secret or a code.
 */
export function runPairingCommand(
  flag: string,
  command: string,
  options: { input?: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env: childEnv(options.env), stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      // Killing the shell does not end commands it started, and their open pipes would keep this
      // process waiting for a 'close' that never comes: let go of the pipes and fail now.
      child.kill('SIGKILL');
      child.stdin.destroy();
      child.stdout.destroy();
      child.unref();
      reject(new UserError(`${flag} did not finish within ${Math.ceil(timeoutMs / 1000)} s`, { next: `check the command given to ${flag}, then run setup again` }));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new UserError(`${flag} could not be started: ${error.message}`, { next: `check the command given to ${flag}` }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(
          new UserError(`${flag} failed (${signal ? `killed by ${signal}` : `exit code ${code}`})`, {
            next: `check the command given to ${flag}, then run setup again`,
          }),
        );
    });
    child.stdin.on('error', () => {
      /* the command may exit without reading its input; its exit code tells */
    });
    child.stdin.end(options.input ?? '');
  });
}
