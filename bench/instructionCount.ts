/**
 * Instructions a command executes, counted by valgrind's callgrind: on a shared machine CPU time
 * drifts several percent with the load, and a change of 1-2% cannot be told from that drift; the
 * count of user-space instructions moves under 0.5% from run to run. Not counted: the kernel's work
 * (system calls, page faults) and children the command starts (callgrind follows only it).
 *
 * One part of Node's start is random: V8 draws the secret primes of its string hash seed
 * (HashSeed::InitializeRoots, testing random numbers for primality), 5 to 20 million instructions
 * in one run or another. That part is counted apart and left out, so two runs of the same command
 * agree.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RANDOM_START = 'v8::internal::HashSeed::InitializeRoots';

/** Whether valgrind and callgrind_annotate are on PATH. */
export function canCountInstructions(): boolean {
  // (callgrind_annotate --version says it on stderr, and exits with 255)
  return ['valgrind', 'callgrind_annotate'].every((tool) => {
    const ran = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    return /\d/.test(`${ran.stdout ?? ''}${ran.stderr ?? ''}`);
  });
}

/** Spawns `file args` under callgrind; `instructions` resolves (in millions) when it has ended. */
export function spawnCounted(file: string, args: string[], options: SpawnOptions): { child: ChildProcess; instructions: Promise<number | undefined> } {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-callgrind-'));
  const out = join(dir, 'callgrind.out');
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, '--log-file=' + join(dir, 'log'), file, ...args], options);
  const instructions = new Promise<number | undefined>((resolve) =>
    child.once('close', () => {
      try {
        const annotated = spawnSync('callgrind_annotate', ['--inclusive=yes', out], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).stdout ?? '';
        const count = (pattern: RegExp) => Number(pattern.exec(annotated)?.[1]?.replace(/,/g, '') ?? NaN);
        const total = count(/^\s*([\d,]+)\s+\([^)]*\)\s+PROGRAM TOTALS/m);
        const random = count(new RegExp(`^\\s*([\\d,]+)\\s+\\([^)]*\\)\\s+\\S*${RANDOM_START}\\(`, 'm'));
        resolve(Number.isFinite(total) ? (total - (Number.isFinite(random) ? random : 0)) / 1e6 : undefined);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
  return { child, instructions };
}
