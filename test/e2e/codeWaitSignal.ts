// Signals rolegate while its --mfa-code-command waits (a person who has not typed the code yet).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rolegateBin } from '../harness/paths.js';
import type { Sandbox } from './setupSupport.js';

/** The code command to pass: it records its pid in `marker`, then waits 30 s. */
export function waitingCodeCommand(marker: string): string {
  return `echo $$ > '${marker}'; exec sleep 30`;
}

/**
 * Runs rolegate with `args` (which pass `waitingCodeCommand(marker)`) until the code command has
 * started, sends `signal` to rolegate alone, and kills the waiting command afterwards.
 */
export async function signalWhileCodeWaits(box: Sandbox, args: string[], marker: string, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [rolegateBin, ...args], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!existsSync(marker) || readFileSync(marker, 'utf8').trim() === '') {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the code command never started: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill(signal);
  const code = await closed;
  try {
    process.kill(Number(readFileSync(marker, 'utf8').trim()), 'SIGKILL');
  } catch {
    // already gone
  }
  return { code, stderr };
}
