// Shared by the emit tests: the emitted text, and a scratch folder.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRolegate } from '../harness/run.js';

/** `rolegate setup ARGS` with no AWS variable, config or endpoint: emitting makes no AWS call. */
export async function emit(args: string[]): Promise<string> {
  const result = await runRolegate(['setup', ...args], { env: { PATH: process.env.PATH, HOME: tmpdir() } });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'rolegate-emit-'));
}
