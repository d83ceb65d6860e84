/**
 * require() of one of the package's bundled CommonJS files (credentialProcess.cjs, the refresh
 * path) through a V8 code cache, as Node 22's module.enableCompileCache does and Node 20 cannot:
 * compiling that file, and then each function it runs, cost a refresh more CPU than its own work.
 * The cache is made once per build and Node version, after a run (so the functions that run are
 * in it), and kept in rolegate's cache folder: `code/<file>-<key>.v8`, 0600 in a 0700 folder of
 * the user's, like every cache of ours (a code cache is code: it is read only from a private
 * regular file of the user's, never through a link).
 *
 * The key is a SHA-1 of the file's identity (inode, size, modification and change times) and the
 * Node and V8 versions, so a new build, a new install or another Node never takes an old cache (V8
 * itself checks only the source's length; npm gives every installed file the same mtime, but
 * writing a file sets its change time, which nothing sets back); the file starts with a SHA-1 of
 * the rest, so a torn or damaged file is ignored, not handed to V8. SHA-1, not SHA-256: both guard
 * against accidents, not against someone who can write the user's private folder, and hashing the
 * ~80 kB cache with SHA-256 was over 1% of the hourly role refresh's instructions. Any
 * failure (no cache folder, a refused file, V8 rejecting the data) only means compiling as
 * require() does. Only the bundle loads through here (scripts/bundle.mjs); the tsc tree imports.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ownedByAnotherUser, readCheckedFile } from './checkedFile.cjs';
import { rolegateCacheDir } from './rolegatePaths.cjs';

const MAX_BYTES = 32 * 1024 * 1024;
/** A SHA-1 */
const DIGEST_BYTES = 20;
/**
 * Set (aws/queryRequest.ts) when a run makes an AWS call: a cache made by a run that only read the
 * cache (a first credential-process answered from rolegate's cache) lacks the refresh's functions,
 * so such a run replaces it once, with a cache marked as made by a refresh.
 */
const STS_CALL = Symbol.for('rolegate.codeCache.awsCall');
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

type Crypto = typeof import('node:crypto');

const digest = (crypto: Crypto, ...parts: Array<string | Uint8Array>) => {
  const hash = crypto.createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** The folder, created 0700, or undefined when it is not private to this user (then no cache). */
function privateFolder(dir: string): string | undefined {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return dir;
  const info = lstatSync(dir);
  return info.isDirectory() && !ownedByAnotherUser(info.uid) && (info.mode & 0o077) === 0 ? dir : undefined;
}

/** Writes the cache atomically (an exclusive temporary file, renamed), and removes older caches of the same file. */
function writeCache(crypto: Crypto, path: string, data: Buffer, refreshed: boolean): void {
  const dir = privateFolder(dirname(path));
  if (!dir) return;
  const prefix = `${basename(path).replace(/-[0-9a-f]+\.v8$/, '')}-`;
  const temp = `${path}.${process.pid}-${crypto.randomBytes(8).toString('hex')}.tmp`;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  try {
    try {
      const body = Buffer.concat([Buffer.from([refreshed ? 1 : 0]), data]);
      writeSync(fd, digest(crypto, body));
      writeSync(fd, body);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw error;
  }
  // another build's or Node's cache, and temporary files a killed writer left over a minute ago
  for (const name of readdirSync(dir)) {
    const other = join(dir, name);
    const old = name.startsWith(prefix) && ((name.endsWith('.v8') && other !== path) || (name.endsWith('.tmp') && Date.now() - statSync(other).mtimeMs > 60_000));
    if (old) unlinkSync(other);
  }
}

/** The cached data in `path` when its digest matches (and whether a refresh made it), else undefined. */
function readCache(crypto: Crypto, path: string): { data: Buffer; refreshed: boolean } | undefined {
  const bytes = readCheckedFile(path, { maxBytes: MAX_BYTES, private: true, noFollow: true });
  if (!bytes || bytes.length <= DIGEST_BYTES + 1) return undefined;
  const body = bytes.subarray(DIGEST_BYTES);
  if (!digest(crypto, body).equals(bytes.subarray(0, DIGEST_BYTES))) return undefined;
  return { data: body.subarray(1), refreshed: body[0] === 1 };
}

/** require(file) for a bundled CommonJS file, compiled with the code cache where one is valid. */
export function requireWithCodeCache(file: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const cached = require.cache[file];
  if (cached) return cached.exports;
  const Module = require('node:module') as typeof import('node:module') & {
    wrap(source: string): string;
    _nodeModulePaths(dir: string): string[];
    new (id: string, parent?: NodeJS.Module): NodeJS.Module;
  };
  const vm = require('node:vm') as typeof import('node:vm');
  const crypto = require('node:crypto') as Crypto;
  const source = readFileSync(file, 'utf8');
  // the file as installed (inode, size, times: a new build or install changes its change time,
  // which no tool sets back) and the Node that compiles it, hashed into the cache's name
  const stat = statSync(file);
  const identity = [process.version, process.versions.v8, process.platform, process.arch, stat.dev, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs, Buffer.byteLength(source)];
  const key = digest(crypto, identity.join('\0')).toString('hex').slice(0, 32);
  let cachePath: string | undefined;
  let cachedData: Buffer | undefined;
  let madeByRefresh = false;
  try {
    cachePath = join(rolegateCacheDir(env), 'code', `${basename(file)}-${key}.v8`);
    const cache = readCache(crypto, cachePath);
    cachedData = cache?.data;
    madeByRefresh = cache?.refreshed ?? false;
  } catch {
    cachedData = undefined; // refused or unreadable: compiled as require() does, and not rewritten
    cachePath = undefined;
  }
  // V8 cannot give a script compiled from cached data an import() callback (nodejs/node#43663), so
  // the bundle's import() calls in the file go through the module's rolegateImport (scripts/bundle.mjs):
  // an import() from here, in the same folder, resolves the same specifiers the same way
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module) as NodeJS.Module & { rolegateImport?: (specifier: string) => Promise<unknown> };
  mod.rolegateImport = (specifier) => import(specifier);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  require.cache[file] = mod;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  mod.loaded = true;
  if (cachePath) {
    const path = cachePath;
    const stale = !cachedData || script.cachedDataRejected;
    // after the run, so that the functions it compiled are in the cache; a failure costs only the cache
    process.once('beforeExit', () => {
      const refreshed = (globalThis as Record<symbol, unknown>)[STS_CALL] === true;
      if (!stale && (madeByRefresh || !refreshed)) return;
      try {
        writeCache(crypto, path, script.createCachedData(), refreshed);
      } catch {
        // no cache this time
      }
    });
  }
  return mod.exports;
}
