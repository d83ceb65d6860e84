/**
 * Killed at any moment: 200 SIGKILLs during `config set` on a 3,000-profile config, and 200 during
 * a cold `credential-process` (the role link refreshed from a cached MFA session: see below why),
 * each after a random delay within a normal run's duration. Every
 * file is always the old or the new version (never torn), the backup always a whole version; a
 * later normal run leaves no temporary file and no lock behind, and is not slowed by the kills'
 * leftovers (no lock wait: a dead holder's lock is taken over at once). Runs go in a few lanes
 * (each its own HOME) to keep the file's time down on two cores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { rolegateBin } from '../harness/paths.js';
import { isTemporaryName } from '../../src/files/atomicFile.js';
import { readSessionEntryFile } from '../../src/cache/sessionCache.js';
import { keyFilePath, rolegateCacheDir, sessionCacheDir, lockDir } from '../../src/files/rolegatePaths.cjs';
import { useCredAccount, writeStoreLayout, PASSPHRASE, type Account } from './credFixture.js';
import { encryptKeys } from '../../src/keys/fileKeyStore.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

const KILLS = 200;
const LANES = 4;
const PROFILES = 3000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs rolegate; with `killAfterMs`, sends SIGKILL then (if it is still running). */
function rolegate(args: string[], env: NodeJS.ProcessEnv, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [rolegateBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const bound = setTimeout(() => child.kill('SIGKILL'), 60_000); // a hang fails the run below
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      clearTimeout(bound);
      resolve({ code, signal, stdout, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const hash = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Temporary files and locks left in a folder (the lock of a killed run is fine until the next run). */
function leftovers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => isTemporaryName(name) || name.endsWith('.lock') || name.endsWith('.stale'));
}

/**
 * The call right after kills against a normal call made just after it (same lane, same load): a
 * wait on a dead editor's lock costs seconds (a stale lock once cost 10.5 s), which is what is
 * checked. How much slower the next call is, in milliseconds, is a matter for benchmarks, not for
 * a test on a shared machine: it is only reported.
 */
function compareNextCalls(t: { diagnostic(message: string): void }, what: string, next: number[], normal: number[]): void {
  const differences = next.map((ms, i) => ms - normal[i]!);
  const [a, b, d] = [median(next), median(normal), median(differences)];
  t.diagnostic(`${what}: next call after kills ${a.toFixed(0)} ms (median of ${next.length}, max ${Math.max(...next).toFixed(0)}), normal call ${b.toFixed(0)} ms (max ${Math.max(...normal).toFixed(0)}), median difference ${d.toFixed(0)} ms`);
  assert.ok(Math.max(...next) < Math.max(...normal) + 1500, `${what}: no next call waited on a lock`);
}

function bigConfig(): string {
  const parts: string[] = [];
  for (let i = 0; i < PROFILES; i++) parts.push(`[profile p${i}]\nregion = r0\noutput = json\n`);
  return parts.join('\n');
}

test(`${KILLS} SIGKILLs during config set on a ${PROFILES}-profile config: old or new, never torn; nothing left, no wait after`, { timeout: 300_000 }, async (t) => {
  const lanes = Array.from({ length: LANES }, () => makeSandbox());
  try {
    const initial = bigConfig();
    for (const lane of lanes) writeFileSync(lane.configFile, initial, { mode: 0o600 });
    // how long a normal edit takes here, and so when to kill
    const normal: number[] = [];
    let serial = 0;
    for (let i = 0; i < 5; i++) {
      const ran = await rolegate(['config', 'set', `p${i}`, 'region', `warm${i}`], lanes[0]!.env);
      assert.equal(ran.code, 0, ran.stderr);
      normal.push(ran.ms);
    }
    const normalMs = median(normal);
    let kills = 0;
    const nextCalls: number[] = [];
    const normalCalls: number[] = [];
    await Promise.all(
      lanes.map(async (lane) => {
        let current = readFileSync(lane.configFile, 'utf8');
        const versions = new Set([hash(current)]);
        const aws = join(lane.home, '.aws');
        const backup = join(aws, 'config.rolegate.bak');
        if (existsSync(backup)) versions.add(hash(readFileSync(backup)));
        for (let round = 0; kills < KILLS && round < KILLS * 2; round++) {
          const profile = `p${Math.floor(Math.random() * PROFILES)}`;
          const value = `v${++serial}`;
          const next = current.replace(new RegExp(`(\\[profile ${profile}\\]\\nregion = )[^\\n]*`), `$1${value}`);
          const ran = await rolegate(['config', 'set', profile, 'region', value], lane.env, Math.random() * normalMs);
          if (ran.signal === 'SIGKILL') kills++;
          else assert.equal(ran.code, 0, ran.stderr);
          const now = readFileSync(lane.configFile, 'utf8');
          assert.ok(now === current || now === next, `after a kill the config is the old or the new version (round ${round})`);
          if (now !== current) versions.add(hash(now));
          current = now;
          if (existsSync(backup)) assert.ok(versions.has(hash(readFileSync(backup))), 'the backup is a whole earlier version');
          if (round % 10 === 9) {
            // the next normal call: no wait on a dead editor's lock, and it cleans up after the kills
            const after = await rolegate(['config', 'set', 'p0', 'region', `after${round}`], lane.env);
            assert.equal(after.code, 0, after.stderr);
            nextCalls.push(after.ms);
            assert.deepEqual(leftovers(aws), [], 'no temporary file or lock left beside the config');
            // and a normal call beside it, on a clean folder, under the same load
            const clean = await rolegate(['config', 'set', 'p0', 'region', `clean${round}`], lane.env);
            assert.equal(clean.code, 0, clean.stderr);
            normalCalls.push(clean.ms);
            versions.add(hash(readFileSync(backup)));
            current = readFileSync(lane.configFile, 'utf8');
            versions.add(hash(current));
          }
        }
      }),
    );
    assert.ok(kills >= KILLS, `${kills} runs were killed`);
    const final = await Promise.all(lanes.map((lane) => rolegate(['config', 'set', 'p1', 'region', 'final'], lane.env)));
    for (const [i, lane] of lanes.entries()) {
      assert.equal(final[i]!.code, 0, final[i]!.stderr);
      assert.deepEqual(leftovers(join(lane.home, '.aws')), []);
    }
    compareNextCalls(t, 'config set', nextCalls, normalCalls);
  } finally {
    for (const lane of lanes) lane.cleanup();
  }
});

test(`${KILLS} SIGKILLs during a cold credential-process (role link): cache entries whole or absent; no lock or temporary file left, no wait after`, { timeout: 300_000 }, async (t) => {
  const lanes: Sandbox[] = [box];
  for (let i = 1; i < LANES; i++) {
    const lane = makeSandbox({ endpoint: moto.endpoint, extraEnv: { ROLEGATE_FILE_PASSPHRASE: box.env.ROLEGATE_FILE_PASSPHRASE } });
    writeStoreLayout(lane, account);
    lanes.push(lane);
  }
  // The key file as an earlier version wrote it (scrypt N = 2^15, which rolegate still reads):
  // a quarter of today's cost, so that 200 cold runs fit in the file's time on two cores.
  const keyFile = await encryptKeys({ default: account.key }, PASSPHRASE, { N: 2 ** 15, r: 8, p: 1 });
  for (const lane of lanes) {
    mkdirSync(dirname(keyFilePath(lane.env)), { recursive: true, mode: 0o700 });
    writeFileSync(keyFilePath(lane.env), keyFile, { mode: 0o600 });
  }
  // One MFA session for all lanes: the strict AWS layer refuses a reused MFA code, as AWS does, and
  // a device yields about three fresh codes per 30 s. So the cold runs refresh the role link
  // (role lock, AssumeRole, cache entry, shortcut note) from the cached MFA session.
  const warm = await rolegate(['credential-process', 'admin'], lanes[0]!.env);
  assert.equal(warm.code, 0, warm.stderr);
  const session = readFileSync(join(sessionCacheDir(lanes[0]!.env), 'session-default.json'));
  for (const lane of lanes.slice(1)) {
    mkdirSync(sessionCacheDir(lane.env), { recursive: true, mode: 0o700 });
    writeFileSync(join(sessionCacheDir(lane.env), 'session-default.json'), session, { mode: 0o600 });
  }
  const clearCache = async (lane: Sandbox) => {
    for (const dir of [sessionCacheDir(lane.env), join(rolegateCacheDir(lane.env), 'shortcuts')]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) if (name.endsWith('.json') && name !== 'session-default.json') rmSync(join(dir, name));
    }
  };
  try {
    const normal: number[] = [];
    for (let i = 0; i < 3; i++) {
      await clearCache(lanes[0]!);
      const ran = await rolegate(['credential-process', 'admin'], lanes[0]!.env);
      assert.equal(ran.code, 0, ran.stderr);
      normal.push(ran.ms);
    }
    const normalMs = median(normal);
    let kills = 0;
    const nextCalls: number[] = [];
    const normalCalls: number[] = [];
    await Promise.all(
      lanes.map(async (lane) => {
        mkdirSync(sessionCacheDir(lane.env), { recursive: true, mode: 0o700 });
        for (let round = 0; kills < KILLS && round < KILLS * 2; round++) {
          await clearCache(lane);
          const ran = await rolegate(['credential-process', 'admin'], lane.env, Math.random() * normalMs);
          if (ran.signal === 'SIGKILL') kills++;
          else {
            assert.equal(ran.code, 0, ran.stderr);
            assert.match(JSON.parse(ran.stdout).AccessKeyId, /^ASIA/);
          }
          for (const name of readdirSync(sessionCacheDir(lane.env)).filter((n) => n.endsWith('.json'))) {
            const read = await readSessionEntryFile(join(sessionCacheDir(lane.env), name));
            assert.equal(read.warning, undefined, `a cache entry is whole after a kill: ${read.warning}`);
          }
          if (round % 10 === 9) {
            await clearCache(lane);
            const after = await rolegate(['credential-process', 'admin'], lane.env);
            assert.equal(after.code, 0, after.stderr);
            assert.doesNotMatch(after.stderr, /waiting for another rolegate process/);
            nextCalls.push(after.ms);
            for (const dir of [sessionCacheDir(lane.env), lockDir(lane.env), join(rolegateCacheDir(lane.env), 'shortcuts')]) {
              assert.deepEqual(leftovers(dir), [], `nothing left in ${dir}`);
            }
            await clearCache(lane);
            const clean = await rolegate(['credential-process', 'admin'], lane.env);
            assert.equal(clean.code, 0, clean.stderr);
            normalCalls.push(clean.ms);
          }
        }
      }),
    );
    assert.ok(kills >= KILLS, `${kills} runs were killed`);
    compareNextCalls(t, 'cold credential-process', nextCalls, normalCalls);
  } finally {
    for (const lane of lanes.slice(1)) lane.cleanup();
  }
});
