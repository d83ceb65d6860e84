/**
 * MFA codes from the profile's `mfa_process` command (a password manager's CLI, `oathtool`, a
 * hardware key's tool, ...): run through the shell like `credential_process` is, stdout must be a
 * 6-digit code. What it writes on stderr ("touch your key") is passed on to the person as it comes:
 * to the terminal (/dev/tty), since under credential_process the SDK captures rolegate's stderr,
 * else to rolegate's stderr. The last lines are also kept for the error message if it fails.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { childEnv } from '../childEnv.cjs';
import { UserError } from '../userError.js';

export interface MfaProcessOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Where the command's notices go: the terminal when there is one, else our stderr. */
function noticeSink(): { write: (chunk: Buffer) => void; close: () => void } {
  let fd = 2;
  try {
    if (process.platform !== 'win32') fd = openSync('/dev/tty', 'w');
  } catch {
    fd = 2;
  }
  return {
    write: (chunk) => {
      try {
        writeSync(fd, chunk);
      } catch {
        // a notice that cannot be shown must not fail the code
      }
    },
    close: () => {
      if (fd !== 2) closeSync(fd);
      fd = 2;
    },
  };
}

function lastLines(text: string, count = 3): string {
  return text.trim().split('\n').slice(-count).join(' / ');
}

export function runMfaProcess(command: string, options: MfaProcessOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      env: childEnv(options.env ?? process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const notices = noticeSink();
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      notices.write(chunk);
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.once('close', () => notices.close());
    const timer = setTimeout(() => {
      // The shell may have started commands of its own that keep our pipes open: killing the shell
      // does not end them, and open pipes would keep this process alive. Let go of everything.
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      notices.close();
      reject(
        new UserError(`mfa_process did not finish within ${Math.ceil(timeoutMs / 1000)} s`, {
          next: 'check the mfa_process command in your AWS config (it must print a code and exit)',
        }),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new UserError(`mfa_process could not be started: ${error.message}`, { next: 'check the mfa_process command in your AWS config' }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const detail = stderr.trim() ? `: ${lastLines(stderr)}` : '';
        return reject(
          new UserError(`mfa_process failed (${signal ?? `exit ${code}`})${detail}`, {
            next: 'run the mfa_process command from your AWS config by hand and fix it',
          }),
        );
      }
      const code6 = stdout.trim().split(/\s+/).pop() ?? '';
      if (!/^\d{6}$/.test(code6)) {
        return reject(
          new UserError('mfa_process did not print a 6-digit code', {
            next: 'make the mfa_process command print only the current code on stdout',
          }),
        );
      }
      resolve(code6);
    });
  });
}
