/**
 * Wall and CPU time (user + system) of a command and its children, for benchmarks on a shared
 * machine, where wall time drifts with the load and CPU time much less. A tiny C wrapper, compiled
 * once into the bench's cache folder, forks and execs the command (stdio inherited, so prompts and
 * pipes behave as without it), waits for it with wait4, and writes `<user µs> <system µs> <wall µs>`
 * on fd 3: the rusage of the command and every descendant it waited for.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const SOURCE = `#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 2) return 125;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t pid = fork();
  if (pid < 0) return 125;
  if (pid == 0) { close(3); execvp(argv[1], argv + 1); _exit(127); }
  signal(SIGINT, SIG_IGN); signal(SIGTERM, SIG_IGN); signal(SIGHUP, SIG_IGN);
  int status; struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) if (errno != EINTR) return 125;
  clock_gettime(CLOCK_MONOTONIC, &b);
  dprintf(3, "%ld %ld %ld\\n", ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec, ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec,
          (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  signal(WTERMSIG(status), SIG_DFL);
  kill(getpid(), WTERMSIG(status));
  return 128 + WTERMSIG(status);
}
`;

export interface Timing {
  wallMs: number;
  /** user + system, of the command and the children it waited for */
  cpuMs: number;
}

let wrapper: string | undefined;

/** The wrapper's path, compiled with cc on first use into ROLEGATE_BENCH_CACHE (else ~/.cache/rolegate-bench). */
export function cpuWrapper(env: NodeJS.ProcessEnv = process.env): string {
  if (wrapper) return wrapper;
  const dir = env.ROLEGATE_BENCH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rolegate-bench');
  mkdirSync(dir, { recursive: true });
  const binary = join(dir, 'cputime-v1');
  if (!existsSync(binary)) {
    writeFileSync(`${binary}.c`, SOURCE);
    const made = spawnSync('cc', ['-O2', '-o', binary, `${binary}.c`], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`bench: cannot compile the CPU-time wrapper with cc (a C compiler is needed): ${made.error?.message ?? made.stderr}`);
  }
  return (wrapper = binary);
}

/** Spawns `file args` under the wrapper; `timing` resolves when it has ended (undefined if it wrote none). */
export function spawnTimed(file: string, args: string[], options: SpawnOptions): { child: ChildProcess; timing: Promise<Timing | undefined> } {
  const stdio = (Array.isArray(options.stdio) ? options.stdio : ['ignore', 'pipe', 'pipe']).slice(0, 3);
  const child = spawn(cpuWrapper(), [file, ...args], { ...options, stdio: [...stdio, 'pipe'] as SpawnOptions['stdio'] });
  return { child, timing: wrapperTiming(child) };
}

/** What the wrapper reports on the child's descriptor 3 ("user system wall", µs), once the child has ended. */
export function wrapperTiming(child: ChildProcess): Promise<Timing | undefined> {
  const report = child.stdio[3] as Readable;
  let text = '';
  report.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise<Timing | undefined>((resolve) =>
    child.once('close', () => {
      const [user, system, wall] = text.trim().split(' ').map(Number);
      resolve(wall === undefined || !Number.isFinite(wall) ? undefined : { wallMs: wall / 1000, cpuMs: (user! + system!) / 1000 });
    }),
  );
}
