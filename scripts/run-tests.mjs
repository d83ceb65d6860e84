// Runs the compiled test files (dist/**/*.test.js) with Node's test runner. Node 20 has no glob
// support in `node --test`, and given a folder it would run every .js in it, helpers included.
// Arguments narrow the run to files whose path contains any of them: `npm test -- config`.
// Every run is also a secret scan: the tests run with TMPDIR in a folder of the run's own and note
// every secret they see (test/harness/secretRegistry.ts); their output is kept beside it, and after
// the run the output and every file left in that folder are searched for those secrets
// (test/harness/leakScan.ts). A secret found outside the files meant to hold it fails the run.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
// `--dist DIR` runs another compiled tree (parallel builds use their own --outDir).
const argv = process.argv.slice(2);
const distFlag = argv.indexOf('--dist');
const dist = distFlag >= 0 ? join(root, argv.splice(distFlag, 2)[1]) : join(root, 'dist');
const filters = argv;

function collect(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return collect(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const files = collect(dist)
  .filter((file) => filters.length === 0 || filters.some((f) => relative(root, file).includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`run-tests: no test files match ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
// The run folder must be passable by the other users some tests run a step as (like /tmp is):
// tmp/ is sticky and open like /tmp; the secrets list and the captured output sit in private/.
const runDir = mkdtempSync(join(tmpdir(), 'rolegate-test-run-'));
chmodSync(runDir, 0o711);
const tempDir = join(runDir, 'tmp');
mkdirSync(tempDir);
chmodSync(tempDir, 0o1777);
const privateDir = join(runDir, 'private');
mkdirSync(privateDir, { mode: 0o700 });
const secretsFile = join(privateDir, 'secrets.jsonl');
const outputFile = join(privateDir, 'output.txt');
// Node 22 and later keep the code they compile here (NODE_COMPILE_CACHE; Node 20 ignores it), so
// the suite's thousands of rolegate, harness and SDK loads compile each file once per run. Where
// a test runs rolegate as another user, that user cannot write it and Node goes without.
const compileCacheDir = join(runDir, 'compile-cache');
mkdirSync(compileCacheDir, { mode: 0o700 });
const output = createWriteStream(outputFile);
// Two warm Pythons for the whole run, each forked per use instead of a new Python importing the
// same modules again (about 1 s of CPU each time): moto (test/harness/moto_launcher.py --zygote),
// whose forks are each file's server and each test's fresh one (test/harness/moto.ts), and the AWS
// CLI and boto3 (test/harness/py_zygote.py), whose forks run the tests' `aws` and boto3 snippets
// (test/harness/run.ts). Their forks note their CPU per file (zygote_accounting.py), added to the
// files' CPU below. ROLEGATE_TEST_ZYGOTE=0 turns both off.
const zygoteCpuFile = join(privateDir, 'zygote-cpu.txt');
function startZygote(args, env, variable) {
  const socket = join(privateDir, `${variable}.sock`);
  const script = args[0];
  const child = spawn(join(root, '.venv', 'bin', 'python'), [join(root, 'test', 'harness', script), ...args.slice(1), socket], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...env, ROLEGATE_TEST_RUNNER_PID: String(process.pid), ROLEGATE_TEST_ZYGOTE_CPU_FILE: zygoteCpuFile },
  });
  // its stdout: {"ready": SOCKET} (or why not), and {"cpu": SECONDS} when it ends
  const lines = [];
  let text = '';
  let markReady = () => {};
  const ready = new Promise((resolve) => {
    markReady = resolve;
    child.once('error', () => resolve(false));
    child.once('exit', () => resolve(false));
  });
  child.stdout.on('data', (chunk) => {
    text += chunk;
    const parts = text.split('\n');
    text = parts.pop();
    for (const line of parts) {
      lines.push(JSON.parse(line));
      if (lines.length === 1) markReady('ready' in lines[0] || line);
    }
  });
  /** Ends it; resolves to its own CPU in seconds (its forks noted theirs). */
  const stop = () =>
    new Promise((resolve) => {
      child.once('close', () => resolve(lines.find((line) => 'cpu' in line)?.cpu ?? 0));
      child.stdin.end();
    });
  return ready.then((ok) => {
    if (ok !== true) {
      console.error(`run-tests: ${script} did not start${ok ? ` (${ok})` : ''}; the tests start their own Pythons`);
      return undefined;
    }
    process.env[variable] = socket;
    return { stop };
  });
}
async function startZygotes() {
  if (process.env.ROLEGATE_TEST_ZYGOTE === '0') return [];
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  // moto: the environment test/harness/moto.ts gives a moto of its own; the CLI and boto3: the
  // tests' own, without the user's AWS variables (each fork takes its program's environment)
  const clientEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AWS_|BOTO_|ROLEGATE_)/.test(key)));
  const started = await Promise.all([
    startZygote(['moto_launcher.py', '--zygote'], { ...base, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' }, 'ROLEGATE_TEST_MOTO_ZYGOTE'),
    startZygote(['py_zygote.py'], clientEnv, 'ROLEGATE_TEST_PY_ZYGOTE'),
  ]);
  return started.filter(Boolean);
}
const zygotes = await startZygotes();

// Each file runs in a process of its own (`node --test FILE`, as node's runner isolates files),
// ROLEGATE_TEST_CONCURRENCY at a time (default 3: most files spend their time waiting on moto, the
// AWS CLI and other child processes, so a third slot keeps 2 cores busy). The slowest files start
// first, by the durations of the last full run (.cache/test-durations.json), so no long file
// starts last and runs alone. A file's output is printed whole when it ends, with its duration.
// ROLEGATE_TEST_ALSO_NODE=PATH runs every file on that Node as well (CI: Node 24), in the same
// queue, so the two runs share the slots and neither waits for the other's last files; its
// files run with that Node first on PATH.
const reporter = process.stdout.isTTY ? ['--test-reporter=spec'] : [];
const concurrency = Math.max(1, Number(process.env.ROLEGATE_TEST_CONCURRENCY) || 3);
const durationsFile = join(root, '.cache', 'test-durations.json');
let known = {};
try {
  known = JSON.parse(readFileSync(durationsFile, 'utf8'));
} catch {
  // no earlier run here (CI starts from a clean clone): a full run's durations kept in the
  // repository (scripts/test-durations.json; refresh it from .cache/ after large test changes),
  // and for a file it does not know, end-to-end files (the slow ones) first, in path order
  try {
    known = JSON.parse(readFileSync(join(root, 'scripts', 'test-durations.json'), 'utf8'));
  } catch {
    // none
  }
}
const name = (file) => relative(dist, file);
const nodes = [{ path: process.execPath, tag: '' }];
if (process.env.ROLEGATE_TEST_ALSO_NODE) {
  const path = process.env.ROLEGATE_TEST_ALSO_NODE;
  nodes.push({ path, tag: ` [node ${execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()}]` });
}
/** A job: one file on one Node; its key names it in the durations. */
const jobs = nodes.flatMap((node) => files.map((file) => ({ file, node, key: `${name(file)}${node.tag}` })));
const guess = (job) => known[job.key] ?? known[name(job.file)] ?? (name(job.file).startsWith('test/e2e/') ? 30_000 : 1_000);
const queue = [...jobs].sort((a, b) => guess(b) - guess(a));
const durations = {};
const cpu = {};
// the counts node's runner closes each file with, added up for the run's closing line
const counts = { pass: 0, fail: 0, skipped: 0 };
const failedFiles = [];
/** A failed file's output, printed again at the end: CI keeps only the log's tail. */
const failedOutputs = new Map();
/** Each job's shell process, which the zygotes' forks name (their CPU is added at the end). */
const jobPids = new Map();
const children = new Set();
let status = 0;
let stopping = false;
const started = Date.now();

// A file still running after this is stopped and counted as failed, so one hang (a deadlock, a
// wait that never ends) costs minutes of a CI run, not all of it. The slowest file takes about
// 4 minutes on CI's machine.
const FILE_LIMIT_MS = 15 * 60_000;

function runFile({ file, node, key }) {
  return new Promise((resolve) => {
    const begun = Date.now();
    const env = { ...process.env, TMPDIR: tempDir, ROLEGATE_TEST_SECRETS_FILE: secretsFile, NODE_COMPILE_CACHE: compileCacheDir };
    if (node.tag) env.PATH = `${dirname(node.path)}:${process.env.PATH ?? ''}`;
    // through sh, whose `times` (on fd 3) gives the CPU time of the file and all its processes
    const script = '"$0" "$@"; status=$?; times >&3; exit $status';
    const child = spawn('/bin/sh', ['-c', script, node.path, '--test', ...reporter, file], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env,
      detached: true, // a process group of its own, so a signal reaches the file's process, not sh alone
    });
    children.add(child);
    jobPids.set(key, child.pid);
    const chunks = [];
    let times = '';
    let overrun = false;
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const limit = setTimeout(() => {
      overrun = true;
      chunks.push(Buffer.from(`\n# run-tests: ${key} was still running after ${FILE_LIMIT_MS / 60_000} minutes: stopped (SIGTERM, then SIGKILL 5 s later)\n`));
      signalGroup('SIGTERM');
      setTimeout(() => signalGroup('SIGKILL'), 5000).unref();
    }, FILE_LIMIT_MS);
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.stdio[3].on('data', (chunk) => (times += chunk));
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      children.delete(child);
      const ms = Date.now() - begun;
      durations[key] = ms;
      // "0m0.00s 0m0.00s\n0m5.12s 0m1.03s": the shell's own times, then its children's
      const seconds = [...(times.trim().split('\n')[1] ?? '').matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
      cpu[key] = Math.round(seconds * 1000);
      const text = Buffer.concat(chunks);
      const header = `# file ${key}: ${code === 0 && !overrun ? 'passed' : `FAILED (${overrun ? `stopped after ${FILE_LIMIT_MS / 60_000} minutes` : (signal ?? `exit ${code}`)})`} in ${(ms / 1000).toFixed(1)} s (CPU ${seconds.toFixed(1)} s)\n`;
      process.stdout.write(text);
      process.stdout.write(header);
      output.write(text);
      output.write(header);
      const report = text.toString();
      for (const kind of Object.keys(counts)) counts[kind] += Number(new RegExp(`^(?:#|ℹ) ${kind} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
      if (code !== 0 || overrun) {
        status = 1;
        failedFiles.push(key);
        failedOutputs.set(key, text.toString());
      }
      resolve();
    });
  });
}

async function worker() {
  for (let job = queue.shift(); job && !stopping; job = queue.shift()) await runFile(job);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    for (const child of children) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
  });
}
await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
const zygoteOwnCpu = await Promise.all(zygotes.map((zygote) => zygote.stop()));
// the forks' CPU, per file: a line "JOB SECONDS" per fork, JOB the file's shell process
const jobOfPid = new Map([...jobPids].map(([key, pid]) => [String(pid), key]));
const filesCpu = Object.values(cpu).reduce((sum, ms) => sum + ms, 0);
let zygoteCpu = zygoteOwnCpu.reduce((sum, seconds) => sum + Math.round(seconds * 1000), 0);
try {
  for (const line of readFileSync(zygoteCpuFile, 'utf8').trim().split('\n')) {
    const [pid, seconds] = line.split(' ');
    const ms = Math.round(Number(seconds) * 1000);
    zygoteCpu += ms;
    const key = jobOfPid.get(pid);
    if (key) cpu[key] = (cpu[key] ?? 0) + ms;
  }
} catch {
  // no zygote, or no fork
}
// the failures' own words again, last, where a log cut to its tail still shows them (the end of
// each file's output, where node's runner reports the failing tests)
const REPEAT_CHARS = 12_000;
for (const [key, text] of failedOutputs) {
  const repeat = `\n# run-tests: the output of failed ${key} again${text.length > REPEAT_CHARS ? ` (its last ${REPEAT_CHARS} characters)` : ''}:\n${text.slice(-REPEAT_CHARS)}\n# run-tests: end of ${key}\n`;
  process.stdout.write(repeat);
  output.write(repeat);
}
await new Promise((resolve) => output.end(resolve));
const slowest = Object.entries(durations).sort((a, b) => b[1] - a[1]);
// the files' processes, the zygotes' forks and the zygotes themselves (warming up, forking)
const cpuTotal = filesCpu + zygoteCpu;
console.error(`run-tests: ${files.length} files${nodes.length > 1 ? `, each on ${nodes.length} Node versions,` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s, ${concurrency} at a time, CPU ${(cpuTotal / 1000).toFixed(1)} s${zygotes.length > 0 ? ` (${(zygoteCpu / 1000).toFixed(1)} s of it in the warm Pythons)` : ''}; slowest: ${slowest.slice(0, 5).map(([f, ms]) => `${f} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
mkdirSync(join(root, '.cache'), { recursive: true });
// every run's CPU per file (with the warm Pythons' forks for it), to compare runs
writeFileSync(join(root, '.cache', 'test-cpu-last.json'), JSON.stringify(Object.fromEntries(Object.entries(cpu).sort((a, b) => b[1] - a[1])), null, 1));
if (filters.length === 0 && !stopping) {
  mkdirSync(dirname(durationsFile), { recursive: true });
  writeFileSync(durationsFile, JSON.stringify(Object.fromEntries(slowest), null, 1));
  writeFileSync(join(root, '.cache', 'test-cpu.json'), JSON.stringify(cpu, null, 1));
}

const { readSecrets, scanForSecrets } = await import(pathToFileURL(join(dist, 'test', 'harness', 'leakScan.js')).href);
const report = scanForSecrets(readSecrets(secretsFile), { output: outputFile, tempDir });
const summary = `${report.secrets} secrets noted; ${report.outputBytes} bytes of output and ${report.files} leftover files searched`;
if (report.unscanned.length > 0) console.error(`secret scan: not read (too large or unreadable): ${report.unscanned.join(', ')}`);
if (report.leaks.length > 0) {
  console.error(`secret scan FAILED (${summary}):\n  ${report.leaks.join('\n  ')}\nthe run's output and leftovers are kept in ${runDir} (secrets.jsonl lists the secrets: delete the folder when done)`);
  process.exit(1);
}
console.error(`secret scan: no secret outside the files meant for it (${summary})`);
rmSync(runDir, { recursive: true, force: true });
if (failedFiles.length > 0) console.log(`failed files: ${failedFiles.join(', ')}`);
// a file that failed without reporting a failing test (a crash, a timeout) still counts as a failure
const failed = Math.max(counts.fail, failedFiles.length);
console.log(`${counts.pass} passed, ${failed} failed, ${counts.skipped} skipped`);
process.exit(status);
