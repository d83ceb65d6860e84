/**
 * rolegate beside its peers, against the same moto behind the strict layer (genuine, never reused
 * TOTP codes; every request counted), with equivalent profiles. Run on demand, never in CI:
 *   npm run bench:peers [-- --runs 15 --cold-runs 5 --peers rolegate,aws-vault]
 * It installs the peers it can get into its own cache (~/.cache/rolegate-bench, or
 * $ROLEGATE_BENCH_CACHE) and prints a Markdown table, with the machine's load average beside it.
 *
 * Columns:
 *  - cached fetch: the peer's command that hands out admin credentials already cached, median of
 *    interleaved runs, and its ratio to `node -e 0` run in the same rounds;
 *  - an `aws` call with the credentials cached, in the same rounds, what a person waits for: read-only
 *    (`aws s3api list-buckets`) and elevated (`aws --profile admin iam list-roles`, or for awsume
 *    `awsume admin` then the call);
 *  - cold refresh: the role credentials gone (the MFA session kept where the peer keeps one), median;
 *  - a day of work: two terminals, 50 AWS CLI calls of which 10 elevated, from an empty cache: STS
 *    calls and MFA prompts (the day is run in minutes, so nothing expires in it);
 *  - 20 cold calls at once: 20 elevated AWS CLI calls started together with nothing cached; every
 *    prompt is answered with the one code the device shows then, as a person would type it.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchCacheDir, findAwsCliV2, installPeers } from './install.js';
import { AwsCliV1, AwsMfa, Awsume, AwsVault, Granted, Rolegate, type Peer } from './peers.js';
import { runAnswering, type Ran } from './runAnswering.js';

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = flag('--runs', 15);
const COLD_RUNS = flag('--cold-runs', 5);
const DAY_CALLS = 50;
const ELEVATED_EVERY = 5; // 10 of 50
const BURST = 20;

const log = (line: string) => process.stderr.write(`${line}\n`);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
function must(ran: Ran | undefined, what: string): void {
  if (ran && !ran.ok) throw new Error(`${what} failed:\n${ran.stderr.slice(-1500)}`);
}

const loadBefore = loadavg();
const installed = installPeers(benchCacheDir(), log);
const v2 = findAwsCliV2();
const absent = [...installed.absent];
absent.unshift({ name: 'AWS CLI v2', reason: v2.reason ?? 'found, but this bench has no driver for it yet' });
let peers: Peer[] = [new Rolegate(installed.pythonBin), new AwsCliV1(installed.pythonBin), new AwsMfa(installed.pythonBin), new Awsume(installed.pythonBin)];
for (const [name, binary] of installed.goPeers) {
  if (name === 'aws-vault') peers.push(new AwsVault(installed.pythonBin, binary, installed.goVersions.get(name) ?? ''));
  // granted's MFA prompt is a terminal form: driven on a pseudo-terminal (peers.ts)
  else if (name === 'granted') peers.push(new Granted(installed.pythonBin, binary, installed.goVersions.get(name) ?? ''));
}
// --peers rolegate,aws-vault: only those (names as in the table, matched by prefix)
const only = process.argv.indexOf('--peers') > 0 ? process.argv[process.argv.indexOf('--peers') + 1]!.split(',') : undefined;
if (only) peers = peers.filter((peer) => only.some((name) => peer.name.startsWith(name)));
const day = new Map<Peer, { sts: number; prompts: number; seconds: number }>();
const burst = new Map<Peer, { seconds: number; cpuSeconds: number; ok: number; sts: number; prompts: number }>();
const cached = new Map<Peer | 'node', number[]>();
const cachedCpu = new Map<Peer | 'node', number[]>();
const coldCpu = new Map<Peer, number[]>();
const cold = new Map<Peer, number[]>();
const elevatedCached = new Map<Peer, number[]>();
const readCached = new Map<Peer, number[]>();

try {
  log('starting one moto and strict layer per peer, and an account in each');
  for (const peer of peers) await peer.start();

  // A day of work, from an empty cache: counts, not times.
  for (const peer of peers) {
    log(`a day of work: ${peer.name}`);
    peer.clearAll();
    peer.resetCounts();
    const opened = [false, false];
    const start = Date.now();
    for (let i = 0; i < DAY_CALLS; i++) {
      const terminal = i % 2;
      if (!opened[terminal]) {
        must(await peer.openTerminal(), `${peer.name}: opening terminal ${terminal + 1}`);
        opened[terminal] = true;
      }
      must(i % ELEVATED_EVERY === ELEVATED_EVERY - 1 ? await peer.elevated() : await peer.read(), `${peer.name}: call ${i + 1}`);
    }
    day.set(peer, { sts: peer.stack.stsCalls(), prompts: peer.mfaPrompts(), seconds: (Date.now() - start) / 1000 });
  }

  // Cached fetch: interleaved rounds, `node -e 0` in each.
  log(`cached fetch: ${RUNS} interleaved rounds`);
  // timed the same way as the peers (spawned with pipes, in a session of its own)
  const node = () => runAnswering(process.execPath, ['-e', '0'], { env: process.env });
  for (const peer of peers) must(await peer.cachedFetch(), `${peer.name}: cached fetch`); // warm the file cache
  cached.set('node', []);
  cachedCpu.set('node', []);
  for (const peer of peers) cached.set(peer, []);
  for (const peer of peers) cachedCpu.set(peer, []);
  for (const peer of peers) elevatedCached.set(peer, []);
  for (const peer of peers) readCached.set(peer, []);
  for (let round = 0; round < RUNS; round++) {
    const floor = await node();
    cached.get('node')!.push(floor.ms);
    cachedCpu.get('node')!.push(floor.cpuMs);
    for (const peer of peers) {
      const ran = await peer.cachedFetch();
      must(ran, `${peer.name}: cached fetch`);
      if (ran.prompts) throw new Error(`${peer.name} asked for a code on a cached fetch`);
      cached.get(peer)!.push(ran.ms);
      cachedCpu.get(peer)!.push(ran.cpuMs);
      const read = await peer.read();
      must(read, `${peer.name}: read-only call, cached`);
      readCached.get(peer)!.push(read.ms);
      const call = await peer.elevated();
      must(call, `${peer.name}: elevated call, cached`);
      if (call.prompts) throw new Error(`${peer.name} asked for a code on an elevated call with its credentials cached`);
      elevatedCached.get(peer)!.push(call.ms);
    }
  }

  // Cold refresh: interleaved rounds; a code the peer will ask for is fetched before the clock starts.
  log(`cold refresh: ${COLD_RUNS} interleaved rounds (the AWS CLI's need a fresh code each: the code source moves the tests' TOTP clock to a later step rather than waiting)`);
  for (const peer of peers) cold.set(peer, []);
  for (const peer of peers) coldCpu.set(peer, []);
  for (let round = 0; round < COLD_RUNS; round++) {
    for (const peer of peers) {
      peer.clearRole();
      const code = peer.coldRefreshPrompts ? await peer.nextCode() : undefined;
      const stsBefore = peer.stack.stsCalls();
      const ran = await peer.coldRefresh({ code: code ? async () => code : undefined });
      must(ran, `${peer.name}: cold refresh`);
      // a refresh that reached no STS was answered from a cache the bench failed to clear
      if (peer.stack.stsCalls() === stsBefore) throw new Error(`${peer.name}: the cold refresh made no STS call: clearRole() misses a cache file`);
      cold.get(peer)!.push(ran.ms);
      coldCpu.get(peer)!.push(ran.cpuMs);
    }
  }

  // 20 cold calls at once.
  for (const peer of peers) {
    log(`${BURST} cold calls at once: ${peer.name}`);
    peer.clearAll();
    peer.resetCounts();
    let shown: Promise<string> | undefined;
    const theCodeShown = () => (shown ??= peer.nextCode());
    const start = Date.now();
    must(await peer.prepareBurst(), `${peer.name}: before the burst`);
    const results = await Promise.all(Array.from({ length: BURST }, () => peer.elevated({ code: theCodeShown })));
    const cpuSeconds = results.reduce((sum, r) => sum + r.cpuMs, 0) / 1000;
    burst.set(peer, { seconds: (Date.now() - start) / 1000, cpuSeconds, ok: results.filter((r) => r.ok).length, sts: peer.stack.stsCalls(), prompts: peer.mfaPrompts() });
  }
} finally {
  for (const peer of peers) await peer.stop().catch(() => {});
}

const nodeMedian = median(cached.get('node')!);
const nodeCpu = median(cachedCpu.get('node')!);
const rows: string[][] = [['`node -e 0`', process.version, `${nodeMedian.toFixed(0)} ms / ${nodeCpu.toFixed(0)} ms`, '', '', '', '']];
for (const peer of peers) {
  const c = median(cached.get(peer)!);
  const cc = median(cachedCpu.get(peer)!);
  const d = day.get(peer)!;
  const b = burst.get(peer)!;
  rows.push([
    peer.name,
    peer.version,
    `${c.toFixed(0)} ms (${(c / nodeMedian).toFixed(1)}x) / ${cc.toFixed(0)} ms (${(cc / nodeCpu).toFixed(1)}x)`,
    `${median(readCached.get(peer)!).toFixed(0)} / ${median(elevatedCached.get(peer)!).toFixed(0)} ms`,
    `${median(cold.get(peer)!).toFixed(0)} ms / ${median(coldCpu.get(peer)!).toFixed(0)} ms`,
    `${d.sts} / ${d.prompts}`,
    `${b.seconds.toFixed(1)} s / ${b.cpuSeconds.toFixed(1)} s CPU, ${b.ok}/${BURST} ok, ${b.sts} STS, ${b.prompts} prompt${b.prompts === 1 ? '' : 's'}`,
  ]);
}
for (const peer of absent) rows.push([peer.name, '', `absent: ${peer.reason}`, '', '', '', '']);
const header = [
  '',
  'version',
  `cached fetch, median of ${RUNS}: wall (vs node) / CPU (vs node)`,
  'an `aws` call, cached, median wall: read / elevated',
  `cold refresh, median of ${COLD_RUNS}: wall / CPU`,
  `a day: STS calls / MFA prompts`,
  `${BURST} cold calls at once: wall / CPU (all processes)`,
];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => ' --- ').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log('');
console.log('What each column timed or counted:');
for (const peer of peers) console.log(`- ${peer.name}: cached fetch = ${peer.cachedFetchLabel}; cold refresh = ${peer.coldRefreshLabel}; the day took ${day.get(peer)!.seconds.toFixed(0)} s`);
console.log('CPU time: user + system of the command and the children it waited for (bench/cpuTime.ts), which a shared machine\'s load disturbs less than wall time.');
console.log(`load average (1, 5, 15 min) before: ${loadBefore}, after: ${loadavg()}; ${cpus().length} cores; node ${process.version}`);
