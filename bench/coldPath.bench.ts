/**
 * The paths beside credential-process's cache hit: `env` and `exec` answered from the cache, and the
 * hourly role refresh (MFA session cached, role credentials expired), each beside bare `node -e 0`.
 * The refresh's AssumeRole goes to a loopback stand-in that answers at once with a fixed answer, so
 * the time is rolegate's own (module loading, signing, cache writes), not a network round trip.
 * Every subject runs the shipped bundle (dist/bundle/cli/main.cjs) and the tsc tree
 * (dist/src/cli/main.cjs); the module count is what a module hook records for one run (own files
 * and node_modules files; Node's built-ins not counted).
 * Run: npm run bench:cold [-- --runs 21] [--list] [--tree NAME=ENTRY ...] (--list prints each path's modules)
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deleteSessionEntry, roleEntryName, writeSessionEntry } from '../src/cache/sessionCache.js';
import { credentialProcessCommand } from '../src/credentials/credentialProcessCommand.js';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 21;
// --tree NAME=ENTRY (repeatable) measures other builds instead, e.g. another checkout's bundle, for a
// before/after comparison in one interleaved run
const given = process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--tree' ? [arg.split(/=(.*)/s).slice(0, 2) as [string, string]] : []));
const trees: Record<string, string> =
  given.length > 0
    ? Object.fromEntries(given)
    : { bundle: fileURLToPath(new URL('../bundle/cli/main.cjs', import.meta.url)), tsc: fileURLToPath(new URL('../src/cli/main.cjs', import.meta.url)) };
const ROLE_ARN = 'arn:aws:iam::123456789012:role/admin';
const MFA = 'arn:aws:iam::123456789012:mfa/admin';

// A loopback STS that answers AssumeRole at once (a stand-in: the network is not what is measured).
const sts = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>ASIAREFRESHEDEXAMPLE</AccessKeyId><SecretAccessKey>bench-secret</SecretAccessKey><SessionToken>bench-token</SessionToken>` +
        `<Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROABENCHEXAMPLE:rolegate-admin</AssumedRoleId>` +
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
mkdirSync(join(home, '.aws'), { mode: 0o700 });
writeFileSync(
  env.AWS_CONFIG_FILE!,
  `[default]\nregion = us-east-1\ncredential_process = ${credentialProcessCommand('default')}\nmfa_serial = ${MFA}\n\n` +
    `[profile admin]\nregion = us-east-1\ncredential_process = ${credentialProcessCommand('admin')}\nrolegate_role_arn = ${ROLE_ARN}\nrolegate_source_profile = default\nmfa_serial = ${MFA}\n\n` +
    // the refresh's own profile, so its refreshed role entry never replaces the one the cache hits read
    `[profile refresh]\nregion = us-east-1\ncredential_process = ${credentialProcessCommand('refresh')}\nrolegate_role_arn = ${ROLE_ARN}\nrolegate_source_profile = default\nmfa_serial = ${MFA}\n`,
);
const cached = (accessKeyId: string, hours: number) => ({
  version: 1 as const,
  mfaSerial: MFA,
  createdAt: new Date().toISOString(),
  credentials: { accessKeyId, secretAccessKey: 'bench-secret', sessionToken: 'bench-token', expiration: new Date(Date.now() + hours * 3600_000) },
});
await writeSessionEntry('session-default', { ...cached('ASIASESSIONEXAMPLE', 12), kind: 'session', profile: 'default' }, env);
const cachedRole = () => writeSessionEntry(roleEntryName('admin'), { ...cached('ASIAROLEEXAMPLE', 1), kind: 'role', profile: 'admin', roleArn: ROLE_ARN }, env);
const expireRole = () => deleteSessionEntry(roleEntryName('refresh'), env);

interface Subject {
  name: string;
  args: string[];
  /** Run before each timed run (outside the timing). */
  before?: () => Promise<unknown>;
  expect: string;
}
const subjects: Subject[] = [
  { name: 'credential-process admin (cache hit)', args: ['credential-process', 'admin'], before: cachedRole, expect: 'ASIAROLEEXAMPLE' },
  { name: 'env admin (cache hit)', args: ['env', 'admin'], before: cachedRole, expect: 'ASIAROLEEXAMPLE' },
  { name: 'exec admin --env-only -- true (cache hit)', args: ['exec', 'admin', '--env-only', '--', 'true'], before: cachedRole, expect: '' },
  { name: 'exec admin -- true (cache hit)', args: ['exec', 'admin', '--', 'true'], before: cachedRole, expect: '' },
  { name: 'credential-process refresh (role refresh)', args: ['credential-process', 'refresh'], before: expireRole, expect: 'ASIAREFRESHEDEXAMPLE' },
];

function runNode(args: string[]): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, stdout, stderr }));
  });
}

async function once(tree: string, subject: Subject): Promise<number> {
  await subject.before?.();
  const result = await runNode([tree, ...subject.args]);
  if (result.code !== 0 || !result.stdout.includes(subject.expect)) throw new Error(`${subject.name} failed (${result.code}): ${result.stdout}${result.stderr}`);
  return result.ms;
}

/** The files one run loads: ES modules through a resolve hook, CommonJS through require.cache at exit. */
async function moduleCount(tree: string, subject: Subject): Promise<{ own: number; dependencies: number; files: string[] }> {
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

try {
  const columns: Array<{ tree: string; subject: Subject }> = [];
  for (const tree of Object.keys(trees)) for (const subject of subjects) columns.push({ tree, subject });
  const counts = new Map<string, string>();
  for (const { tree, subject } of columns) {
    await once(trees[tree], subject); // warm the file cache, and leave the shortcut note a cache hit reads
    const count = await moduleCount(trees[tree], subject);
    counts.set(`${tree} ${subject.name}`, `${count.own}+${count.dependencies}`);
    if (process.argv.includes('--list')) console.log(`${tree} ${subject.name}:\n  ${count.files.join('\n  ')}`);
  }
  const node: number[] = [];
  // the floor for a command that runs another: node starting `true` and waiting for it
  const spawnFloor: number[] = [];
  const times = new Map(columns.map(({ tree, subject }) => [`${tree} ${subject.name}`, [] as number[]]));
  const loadBefore = loadavg();
  // interleaved, so drift in machine load touches every row alike
  for (let i = 0; i < RUNS; i++) {
    node.push((await runNode(['-e', '0'])).ms);
    spawnFloor.push((await runNode(['-e', "require('child_process').spawn('true', { stdio: 'inherit' })"])).ms);
    for (const { tree, subject } of columns) times.get(`${tree} ${subject.name}`)!.push(await once(trees[tree], subject));
  }
  const base = median(node);
  const rows = [
    ['node -e 0', '', base.toFixed(1), '1.00x', ''],
    ['node -e "spawn(\'true\')"', '', median(spawnFloor).toFixed(1), (median(spawnFloor) / base).toFixed(2) + 'x', ''],
  ];
  for (const [name, t] of times) rows.push([name.replace(/^\S+ /, ''), name.split(' ')[0]!, median(t).toFixed(1), (median(t) / base).toFixed(2) + 'x', counts.get(name)!]);
  const header = ['command', 'tree', 'median ms', 'vs node', 'modules (own+deps)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`${RUNS} runs each, interleaved, node ${process.version}; /proc/loadavg ${loadBefore} before, ${loadavg()} after`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
} finally {
  sts.close();
  rmSync(home, { recursive: true, force: true });
}
