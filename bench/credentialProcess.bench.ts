/**
 * How long `rolegate credential-process` takes when the answer is in the cache, beside bare
 * `node -e 0` and `aws configure export-credentials` of the AWS CLI v2 (Debian's `awscli`), on the
 * same profile with the same cached role credentials (a guide-layout profile, whose cache entry
 * both read). No network: everything is answered from ~/.aws/cli/cache.
 * Run: npx tsc -p . --outDir dist-x && node dist-x/bench/credentialProcess.bench.js [--runs 30] [--inherit-env]
 * By default every command runs with a minimal environment; --inherit-env keeps this shell's
 * (NODE_OPTIONS, NODE_EXTRA_CA_CERTS and the like change node's own start-up time a lot).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsCliCacheFile, writeAwsCliCache } from '../src/cache/awsCliCache.js';
import type { RoleSpec } from '../src/config/profileSpec.js';

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 30;
const rolegateMain = fileURLToPath(new URL('../src/cli/main.cjs', import.meta.url));
// What the npm package ships (scripts/bundle.mjs): the same entry with its cache-hit modules inlined.
const shippedMain = fileURLToPath(new URL('../bundle/cli/main.cjs', import.meta.url));
const AWS_V2 = ['/usr/bin/aws', '/usr/local/bin/aws'].find((path) => {
  if (!existsSync(path)) return false;
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return /aws-cli\/2\./.test(version.stdout + version.stderr);
});

const home = mkdtempSync(join(tmpdir(), 'rolegate-bench-'));
const inherited = process.argv.includes('--inherit-env') ? Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|ROLEGATE_|XDG_)/.test(k))) : {};
const env: NodeJS.ProcessEnv = {
  ...inherited,
  PATH: process.env.PATH,
  HOME: home,
  AWS_CONFIG_FILE: join(home, '.aws', 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PAGER: '',
};
mkdirSync(join(home, '.aws'), { mode: 0o700 });
const ROLE_ARN = 'arn:aws:iam::123456789012:role/admin';
const MFA = 'arn:aws:iam::123456789012:mfa/admin';
writeFileSync(env.AWS_CONFIG_FILE!, `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\nmfa_serial = ${MFA}\nregion = us-east-1\n`);
writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = bench-not-a-secret\n', { mode: 0o600 });
const role: RoleSpec = { profile: 'admin', layout: 'guide', chain: 'session', roleArn: ROLE_ARN, mfaSerial: MFA, ownMfaSerial: MFA, session: { keyProfile: 'default', mfaSerial: MFA } };
await writeAwsCliCache(awsCliCacheFile(role, env), {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'bench-secret',
  sessionToken: 'bench-token',
  expiration: new Date(Date.now() + 3600_000),
});

interface Subject {
  name: string;
  file: string;
  args: string[];
}
const subjects: Subject[] = [
  { name: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
  { name: 'rolegate credential-process admin', file: process.execPath, args: [rolegateMain, 'credential-process', 'admin'] },
];
if (existsSync(shippedMain)) subjects.push({ name: 'rolegate, as shipped (bundle)', file: process.execPath, args: [shippedMain, 'credential-process', 'admin'] });
if (AWS_V2) subjects.push({ name: 'aws configure export-credentials (v2)', file: AWS_V2, args: ['configure', 'export-credentials', '--profile', 'admin', '--format', 'process'] });

function once(subject: Subject): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(subject.file, subject.args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${subject.name} failed (${result.status}): ${result.stderr}`);
  if (subject.name !== 'node -e 0' && !result.stdout.includes('ASIAIOSFODNN7EXAMPLE')) throw new Error(`${subject.name} did not answer from the cache: ${result.stdout}`);
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

try {
  for (const subject of subjects) once(subject); // warm the file cache
  const times = new Map(subjects.map((s) => [s.name, [] as number[]]));
  // interleaved, so drift in machine load touches every column alike
  for (let i = 0; i < RUNS; i++) for (const subject of subjects) times.get(subject.name)!.push(once(subject));
  const base = median(times.get('node -e 0')!);
  const rolegate = median(times.get('rolegate credential-process admin')!);
  const rows = subjects.map((s) => {
    const t = times.get(s.name)!;
    return [s.name, median(t).toFixed(1), percentile(t, 0.9).toFixed(1), (median(t) / base).toFixed(2) + 'x', (median(t) / rolegate).toFixed(2) + 'x'];
  });
  const header = ['command', 'median ms', 'p90 ms', 'vs node', 'vs rolegate'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`${RUNS} runs each, interleaved, node ${process.version}, ${process.argv.includes('--inherit-env') ? 'inherited' : 'minimal'} environment`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  if (!AWS_V2) console.log('(AWS CLI v2 not installed: `apt-get install awscli` adds the third column)');
} finally {
  rmSync(home, { recursive: true, force: true });
}
