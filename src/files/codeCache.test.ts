import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const loader = fileURLToPath(new URL('./codeCache.cjs', import.meta.url));

/** A bundled-style CommonJS file with an import() routed as scripts/bundle.mjs routes it. */
const MODULE = `"use strict";
var __rolegateImport = typeof module.rolegateImport === "function" ? module.rolegateImport : (specifier) => import(specifier);
exports.twice = (n) => n * 2;
exports.viaImport = async () => (await __rolegateImport("node:path")).basename("/a/b.txt");
`;

function inDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-codecache-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Requires the file through the loader in a fresh Node, calls it, and reports whether V8 took cached data. */
function run(dir: string, file: string, awsCall = false) {
  const script = `${awsCall ? "globalThis[Symbol.for('rolegate.codeCache.awsCall')] = true;" : ''}
    const vm = require('node:vm');
    let usedCache;
    const Script = vm.Script;
    vm.Script = class extends Script { constructor(s, o) { super(s, o); usedCache = o.cachedData !== undefined && !this.cachedDataRejected; } };
    const m = require(${JSON.stringify(loader)}).requireWithCodeCache(${JSON.stringify(file)}, { XDG_CACHE_HOME: ${JSON.stringify(join(dir, 'cache'))}, HOME: ${JSON.stringify(dir)} });
    m.viaImport().then((name) => console.log(JSON.stringify({ twice: m.twice(21), name, usedCache })));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as { twice: number; name: string; usedCache: boolean };
}

const cacheDir = (dir: string) => join(dir, 'cache', 'rolegate', 'code');
const cacheFiles = (dir: string) => readdirSync(cacheDir(dir)).filter((n) => n.endsWith('.v8'));

test('the first run compiles and leaves a private cache; the next runs from it, import() included', () =>
  inDir((dir) => {
    const file = join(dir, 'credentialProcess.cjs');
    writeFileSync(file, MODULE);
    assert.deepEqual(run(dir, file), { twice: 42, name: 'b.txt', usedCache: false });
    const [name] = cacheFiles(dir);
    assert.ok(name?.startsWith('credentialProcess.cjs-'));
    assert.equal(readdirSync(cacheDir(dir)).length, 1, 'no temporary file is left');
    assert.deepEqual(run(dir, file), { twice: 42, name: 'b.txt', usedCache: true });
  }));

test('a damaged cache is ignored and replaced; a changed file gets a cache of its own, the old one removed', () =>
  inDir((dir) => {
    const file = join(dir, 'credentialProcess.cjs');
    writeFileSync(file, MODULE);
    run(dir, file);
    const path = join(cacheDir(dir), cacheFiles(dir)[0]!);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(path, bytes);
    assert.equal(run(dir, file).usedCache, false);
    assert.equal(run(dir, file).usedCache, true, 'rewritten after the damaged one');
    writeFileSync(file, MODULE.replace('n * 2', 'n + n'));
    assert.deepEqual(run(dir, file), { twice: 42, name: 'b.txt', usedCache: false });
    assert.equal(cacheFiles(dir).length, 1);
  }));

test('a cache reached through a symbolic link is not read', () =>
  inDir((dir) => {
    const file = join(dir, 'credentialProcess.cjs');
    writeFileSync(file, MODULE);
    run(dir, file);
    const path = join(cacheDir(dir), cacheFiles(dir)[0]!);
    const elsewhere = join(dir, 'planted.v8');
    writeFileSync(elsewhere, readFileSync(path));
    rmSync(path);
    symlinkSync(elsewhere, path);
    assert.equal(run(dir, file).usedCache, false);
  }));

test('a cache made by a run without an AWS call is replaced once by a run that made one (its functions are then in it)', () =>
  inDir((dir) => {
    const file = join(dir, 'credentialProcess.cjs');
    writeFileSync(file, MODULE);
    run(dir, file);
    const path = join(cacheDir(dir), cacheFiles(dir)[0]!);
    const first = readFileSync(path);
    assert.equal(run(dir, file, true).usedCache, true);
    const second = readFileSync(path);
    assert.notDeepEqual(second, first, 'replaced after the run that called AWS');
    assert.equal(run(dir, file, true).usedCache, true);
    assert.deepEqual(readFileSync(path), second, 'then kept');
  }));
