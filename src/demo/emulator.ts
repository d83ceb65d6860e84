/**
 * The demo's AWS emulator: moto's server (assets/demo/moto_launcher.py) on 127.0.0.1 and a free
 * port, with the AWS managed policies loaded. It serves until its stdin closes, so it ends with
 * the demo even when the demo is killed; stop() and kill() end it sooner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { UserError } from '../userError.js';
import { assetPath } from './assets.js';

const START_TIMEOUT_MS = 60_000;

export interface Emulator {
  endpoint: string;
  /** Turns moto's access control on: from now on each request is checked against IAM. */
  enableAccessControl(): Promise<void>;
  stop(): Promise<void>;
  /** Ends it at once (for a signal handler, which cannot wait). */
  kill(): void;
}

export async function startEmulator(options: { bin: string; home: string; path: string }): Promise<Emulator> {
  const child: ChildProcess = spawn(join(options.bin, 'python'), [assetPath('demo', 'moto_launcher.py')], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: options.path, HOME: options.home, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const failed = (why: string) =>
    new UserError(`the local AWS emulator did not start: ${why}`, {
      next: `its last words were: ${stderr.trim().split('\n').slice(-1)[0] ?? 'none'}; delete the demo's environment (rolegate demo --help says where) and run rolegate demo again`,
    });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(failed(`no answer within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        child.kill('SIGKILL');
        reject(failed('it printed something other than its port'));
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(failed(error.message));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(failed(`it exited with status ${code}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return {
    endpoint,
    async enableAccessControl() {
      // moto's own switch: INITIAL_NO_AUTH_ACTION_COUNT, set to 0 requests from now on
      const response = await fetch(`${endpoint}/moto-api/reset-auth`, {
        method: 'POST',
        body: '0',
        headers: { 'Content-Type': 'text/plain' },
        signal: AbortSignal.timeout(10_000),
      }).catch((error: Error) => {
        throw new UserError(`the emulator did not answer when asked to turn on access control: ${error.message}`);
      });
      if (!response.ok) throw new UserError(`the emulator refused to turn on access control (HTTP ${response.status})`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      const timer = setTimeout(kill, 5000);
      await exited;
      clearTimeout(timer);
    },
    kill,
  };
}
