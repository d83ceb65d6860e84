/**
 * The paths beside credential-process's cache hit: `env` and `exec` answered from the cache, the
 * hourly role refresh (MFA session cached, role credentials expired), a cold call (nothing cached:
 * the key, one mfa_process run, GetSessionToken, AssumeRole) and 20 cold calls at once, each beside
 * its floor: bare `node -e 0`, `node` spawning `true`, `node` sending one HTTP request to the same
 * endpoint. STS is a loopback stand-in that answers at once with a fixed answer (and counts the
 * calls), so the time is rolegate's own (module loading, signing, cache writes), not a network
 * round trip. Each run is timed by a small wrapper (cpuTime.ts): wall time, and CPU time (user +
 * system of the process and its children), which a shared machine's load disturbs much less.
 * Every subject runs the shipped bundle (dist/bundle/cli/main.cjs) and the tsc tree
 * (dist/src/cli/main.cjs); the module count is what a module hook records for one run (own files
 * and node_modules files; Node's built-ins not counted).
 * With --instructions, each run is counted by valgrind's callgrind instead (instructionCount.ts): the
 * user-space instructions of the process, in millions, which a shared machine's load does not move
 * (3 runs by default; the burst is left out).
 * Run: npm run bench:cold [-- --runs 21] [--list] [--instructions] [--tree NAME=ENTRY ...] (--list prints each path's modules)
 */
import type { SpawnOptions } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deleteSessionEntry, roleEntryName, writeSessionEntry } from '../src/cache/sessionCache.js';
import { credentialProcessCommand } from '../src/credentials/credentialProcessCommand.js';
import { rolegateCacheDir } from '../src/files/rolegatePaths.cjs';
import { spawnTimed, type Timing } from './cpuTime.js';
import { canCountInstructions, spawnCounted } from './instructionCount.js';

const COUNTED = process.argv.includes('--instructions');
if (COUNTED && !canCountInstructions()) throw new Error('bench: --instructions needs valgrind (callgrind) on PATH');
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : COUNTED ? 3 : 21;
const BURST = 20;
// --tree NAME=ENTRY (repeatable) measures other builds instead, e.g. another checkout's bundle, for a
// before/after comparison in one interleaved run
const given = process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--tree' ? [arg.split(/=(.*)/s).slice(0, 2) as [string, string]] : []));
const trees: Record<string, string> =
  given.length > 0
    ? Object.fromEntries(given)
    : { bundle: fileURLToPath(new URL('../bundle/cli/main.cjs', import.meta.url)), tsc: fileURLToPath(new URL('../src/cli/main.cjs', import.meta.url)) };
const ROLE_ARN = 'arn:aws:iam::123456789012:role/admin';
const MFA = 'arn:aws:iam::123456789012:mfa/admin';

// A loopback STS that answers AssumeRole and GetSessionToken at once (a stand-in: the network is not what is measured).
const stsCalls: string[] = [];
const sts = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const action = new URLSearchParams(body).get('Action') ?? 'none';
    stsCalls.push(action);
    const credentials =
      `<Credentials><AccessKeyId>ASIAREFRESHEDEXAMPLE</AccessKeyId><SecretAccessKey>bench-secret</SecretAccessKey><SessionToken>bench-token</SessionToken>` +
      `<Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration></Credentials>`;
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(
      action === 'GetSessionToken'
        ? `<GetSessionTokenResponse><GetSessionTokenResult>${credentials}</GetSessionTokenResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></GetSessionTokenResponse>`
        : `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>${credentials}<AssumedRoleUser><AssumedRoleId>AROABENCHEXAMPLE:rolegate-admin</AssumedRoleId>` +
            `<Arn>arn:aws:sts::123456789012:assumed-role/admin/rolegate-admin</Arn></AssumedRoleUser></AssumeRoleResult>` +
            `<ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  });
});
await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
const port = (sts.address() as { port: number }).port;

const home = mkdtempSync(join(tmpdir(), 'rolegate-bench-'));
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: home,
  SHELL: '/bin/bash',
  AWS_CONFIG_FILE: join(home, '.aws', 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  XDG_CACHE_HOME: join(home, '.cache'),
  AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
  AWS_EC2_METADATA_DISABLED: 'true',
};
const promptCount = join(home, 'mfa-process-runs');
mkdirSync(join(home, '.aws'), { mode: 0o700 });
const role = (profile: string, source: string) =>
  `[profile ${profile}]\nregion = us-east-1\ncredential_process = ${credentialProcessCommand(profile)}\nrolegate_role_arn = ${ROLE_ARN}\nrolegate_source_profile = ${source}\nmfa_serial = ${MFA}\n\n`;
writeFileSync(
  env.AWS_CONFIG_FILE!,
  `[default]\nregion = us-east-1\ncredential_process = ${credentialProcessCommand('default')}\nmfa_serial = ${MFA}\n\n` +
    role('admin', 'default') +
    // the refresh's own profile, so its refreshed role entry never replaces the one the cache hits read
    role('refresh', 'default') +
    // the cold calls' own key profile and role: a plaintext key (no passphrase), codes from mfa_process
    `[profile coldkey]\nregion = us-east-1\nmfa_serial = ${MFA}\nmfa_process = printf x >> ${promptCount}; echo 123456\n\n` +
    role('cold', 'coldkey'),
);
writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '[coldkey]\naws_access_key_id = AKIABENCHEXAMPLE0001\naws_secret_access_key = bench-long-term-secret\n', { mode: 0o600 });
const cached = (accessKeyId: string, hours: number) => ({
  version: 1 as const,
  mfaSerial: MFA,
  createdAt: new Date().toISOString(),
  credentials: { accessKeyId, secretAccessKey: 'bench-secret', sessionToken: 'bench-token', expiration: new Date(Date.now() + hours * 3600_000) },
});
await writeSessionEntry('session-default', { ...cached('ASIASESSIONEXAMPLE', 12), kind: 'session', profile: 'default' }, env);
const cachedRole = () => writeSessionEntry(roleEntryName('admin'), { ...cached('ASIAROLEEXAMPLE', 1), kind: 'role', profile: 'admin', roleArn: ROLE_ARN }, env);
const expireRole = () => deleteSessionEntry(roleEntryName('refresh'), env);
const forgetCold = async () => {
  await deleteSessionEntry(roleEntryName('cold'), env);
  await deleteSessionEntry('session-coldkey', env);
  rmSync(join(rolegateCacheDir(env), 'shortcuts', 'cold.json'), { force: true });
  // the device's last TOTP window (mfaWindow.ts): without this each cold run waits for a new window
  // (the stand-in takes any code; a person's next cold call is hours later)
  rmSync(join(rolegateCacheDir(env), 'mfa'), { recursive: true, force: true });
};

interface Subject {
  name: string;
  args: string[];
  /** Run before each timed run (outside the timing). */
  before?: () => Promise<unknown>;
  expect: string;
  /** Processes started at once (default 1). */
  burst?: number;
}
const subjects: Subject[] = [
  { name: 'credential-process admin (cache hit)', args: ['credential-process', 'admin'], before: cachedRole, expect: 'ASIAROLEEXAMPLE' },
  { name: 'env admin (cache hit)', args: ['env', 'admin'], before: cachedRole, expect: 'ASIAROLEEXAMPLE' },
  { name: 'exec admin --env-only -- true (cache hit)', args: ['exec', 'admin', '--env-only', '--', 'true'], before: cachedRole, expect: '' },
  { name: 'exec admin -- true (cache hit, endpoint)', args: ['exec', 'admin', '--', 'true'], before: cachedRole, expect: '' },
  { name: 'credential-process refresh (role refresh)', args: ['credential-process', 'refresh'], before: expireRole, expect: 'ASIAREFRESHEDEXAMPLE' },
  { name: 'credential-process cold (cold call)', args: ['credential-process', 'cold'], before: forgetCold, expect: 'ASIAREFRESHEDEXAMPLE' },
  { name: `${BURST} x credential-process cold at once`, args: ['credential-process', 'cold'], before: forgetCold, expect: 'ASIAREFRESHEDEXAMPLE', burst: BURST },
];

interface Ran extends Timing {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts node timed, or with `counted`, counted: its instructions (millions) in place of its CPU time, and no wall time. */
function spawnNode(args: string[], counted: boolean): ReturnType<typeof spawnTimed> {
  const options: SpawnOptions = { env, stdio: ['ignore', 'pipe', 'pipe'] };
  if (!counted) return spawnTimed(process.execPath, args, options);
  const { child, instructions } = spawnCounted(process.execPath, args, options);
  return { child, timing: instructions.then((n) => (n === undefined ? undefined : { wallMs: NaN, cpuMs: n })) };
}

function runNode(args: string[], counted = false): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const { child, timing } = spawnNode(args, counted);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      void timing.then((t) => (t ? resolve({ ...t, code, stdout, stderr }) : reject(new Error(`no timing for node ${args.join(' ')}: ${stderr}`)))),
    );
  });
}

// Each tree runs with a cache folder of its own (a copy of the one set up above): a build's code
// cache (files/codeCache.cts) removes another build's cache of the same file, so two bundles
// sharing one folder would each compile from scratch on every run.
const sharedCache = env.XDG_CACHE_HOME!;
const treeCaches = new Set<string>();
function useCacheOf(tree: string): void {
  const folder = `${sharedCache}-${Object.values(trees).indexOf(tree)}`;
  if (!treeCaches.has(folder)) {
    cpSync(sharedCache, folder, { recursive: true });
    treeCaches.add(folder);
  }
  env.XDG_CACHE_HOME = folder;
}

/** One timed (or counted) run of a subject: for a burst, the processes' CPU summed and the longest wall time. */
async function once(tree: string, subject: Subject, counted = false): Promise<Timing> {
  useCacheOf(tree);
  await subject.before?.();
  const results = await Promise.all(Array.from({ length: subject.burst ?? 1 }, () => runNode([tree, ...subject.args], counted)));
  for (const result of results) {
    if (result.code !== 0 || !result.stdout.includes(subject.expect)) throw new Error(`${subject.name} failed (${result.code}): ${result.stdout}${result.stderr}`);
  }
  return { wallMs: Math.max(...results.map((r) => r.wallMs)), cpuMs: results.reduce((sum, r) => sum + r.cpuMs, 0) };
}

/** The files one run loads: ES modules through a resolve hook, CommonJS through require.cache at exit. */
async function moduleCount(tree: string, subject: Subject): Promise<{ own: number; dependencies: number; files: string[] }> {
  useCacheOf(tree);
  const log = join(home, 'modules.log');
  const hooks = join(home, 'hooks.mjs');
  const register = join(home, 'register.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
  writeFileSync(
    register,
    `import { register, createRequire } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
      `const require = createRequire(import.meta.url);\nprocess.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).map((p) => pathToFileURL(p).href + '\\n').join('')));\n` +
      `import { pathToFileURL } from 'node:url';\n`,
  );
  writeFileSync(log, '');
  await subject.before?.();
  const result = await runNode(['--import', pathToFileURL(register).href, tree, ...subject.args]);
  if (result.code !== 0) throw new Error(`${subject.name} failed under the module hook: ${result.stderr}`);
  const files = new Set(readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('file:') && !l.startsWith(pathToFileURL(home).href)));
  const dependencies = [...files].filter((f) => f.includes('/node_modules/')).length;
  return { own: files.size - dependencies, dependencies, files: [...files] };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const prompts = () => {
  try {
    return readFileSync(promptCount, 'utf8').length;
  } catch {
    return 0;
  }
};

try {
  const columns: Array<{ tree: string; subject: Subject }> = [];
  for (const tree of Object.keys(trees)) for (const subject of subjects) columns.push({ tree, subject });
  const counts = new Map<string, string>();
  // what one burst costs in prompts and STS calls, per tree
  const burstCounts = new Map<string, string>();
  for (const { tree, subject } of columns) {
    await once(trees[tree]!, subject); // warm the file cache, and leave the notes a cache hit reads
    if (subject.burst) {
      const [before, callsBefore] = [prompts(), stsCalls.length];
      await once(trees[tree]!, subject);
      const calls = stsCalls.slice(callsBefore);
      burstCounts.set(tree, `${prompts() - before} mfa_process run(s), ${calls.filter((a) => a === 'GetSessionToken').length} GetSessionToken, ${calls.filter((a) => a === 'AssumeRole').length} AssumeRole`);
      continue;
    }
    const count = await moduleCount(trees[tree]!, subject);
    counts.set(`${tree} ${subject.name}`, `${count.own}+${count.dependencies}`);
    if (process.argv.includes('--list')) console.log(`${tree} ${subject.name}:\n  ${count.files.join('\n  ')}`);
  }
  const floors: Array<{ name: string; args: string[] }> = [
    { name: 'node -e 0', args: ['-e', '0'] },
    // the floor for a command that runs another: node starting `true` and waiting for it
    { name: 'node -e "spawn(\'true\')"', args: ['-e', "require('child_process').spawn('true', { stdio: 'inherit' })"] },
    // the floor for a refresh: node sending one HTTP request to the same stand-in
    { name: 'node -e "one HTTP request"', args: ['-e', `require('http').request({ host: '127.0.0.1', port: ${port}, method: 'POST', path: '/' }, (r) => r.resume()).end('Action=AssumeRole')`] },
  ];
  const floorTimes = new Map(floors.map((f) => [f.name, [] as Timing[]]));
  const times = new Map(columns.map(({ tree, subject }) => [`${tree} ${subject.name}`, [] as Timing[]]));
  const loadBefore = loadavg();
  // interleaved, so drift in machine load touches every row alike
  for (let i = 0; i < RUNS; i++) {
    for (const floor of floors) floorTimes.get(floor.name)!.push(await runNode(floor.args, COUNTED));
    // 20 processes under callgrind at once measure the machine, not rolegate: a burst is timed only
    for (const { tree, subject } of columns) if (!(COUNTED && subject.burst)) times.get(`${tree} ${subject.name}`)!.push(await once(trees[tree]!, subject, COUNTED));
  }
  const med = (runs: Timing[]) => ({ wall: median(runs.map((r) => r.wallMs)), cpu: median(runs.map((r) => r.cpuMs)) });
  const node = med(floorTimes.get('node -e 0')!);
  const row = (name: string, tree: string, runs: Timing[], modules: string) => {
    if (runs.length === 0) return [name, tree, '-', '', 'not counted', '', modules];
    const m = med(runs);
    const wall = COUNTED ? ['-', ''] : [m.wall.toFixed(1), (m.wall / node.wall).toFixed(2) + 'x'];
    return [name, tree, ...wall, m.cpu.toFixed(1), (m.cpu / node.cpu).toFixed(2) + 'x', modules];
  };
  const rows = floors.map((f) => row(f.name, '', floorTimes.get(f.name)!, ''));
  for (const [name, t] of times) rows.push(row(name.replace(/^\S+ /, ''), name.split(' ')[0]!, t, counts.get(name) ?? ''));
  const header = ['command', 'tree', 'wall ms', 'vs node', COUNTED ? 'M instr' : 'CPU ms', 'vs node', 'modules (own+deps)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const what = COUNTED ? 'instructions counted by callgrind (millions, without V8\'s random hash-seed primes)' : 'timed';
  console.log(`${RUNS} runs each, ${what}, interleaved, medians; node ${process.version}; /proc/loadavg ${loadBefore} before, ${loadavg()} after`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  // the targets of issue 21, in CPU time (or instructions)
  const cpu = (name: string) => med(floorTimes.get(name) ?? [])?.cpu;
  console.log(`\nTargets (${COUNTED ? 'instructions' : 'CPU time'}, medians):`);
  for (const tree of Object.keys(trees)) {
    const of = (subject: string) => med(times.get(`${tree} ${subject}`)!).cpu;
    const refresh = of(subjects[4]!.name);
    const exec = of(subjects[3]!.name);
    const cold = of(subjects[5]!.name);
    const bound = cold + (BURST - 1) * 1.5 * node.cpu;
    const burst = COUNTED ? 0 : of(subjects[6]!.name);
    const burstLine = COUNTED
      ? `${BURST} cold calls at once: timed only`
      : `${BURST} cold calls at once ${burst.toFixed(0)} ms, bound one cold call + ${BURST - 1} x 1.5 x node -e 0 = ${bound.toFixed(0)} ms (${burst <= bound ? 'within' : 'over'})`;
    console.log(
      `${tree}: role refresh ${(refresh / cpu(floors[2]!.name)).toFixed(2)}x node's one HTTP request (at most 1.5x); ` +
        `exec with the endpoint ${(exec / cpu(floors[1]!.name)).toFixed(2)}x node spawning true (at most 1.5x); ` +
        `${burstLine}; one burst: ${burstCounts.get(tree)}`,
    );
  }
} finally {
  sts.close();
  rmSync(home, { recursive: true, force: true });
}
