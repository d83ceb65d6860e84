/**
 * The npm package as a user gets it: `npm pack` of this checkout, installed with
 * `npm install -g --prefix` into an empty folder outside the repository (so only the runtime
 * dependencies are there, fetched from the registry, and nothing of the repository's dist/ or
 * node_modules/ is on the installed copy's module path), then run from there.
 * Needs `npm run build` first (npm test does it): the package is dist/bundle/, built by
 * scripts/bundle.mjs from tsc's output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { projectRoot } from '../harness/paths.js';
import { run, runAws, type RunResult } from '../harness/run.js';
import { credentialProcessCommand } from '../../src/credentials/credentialProcessCommand.js';
import { deleteSessionEntry, roleEntryName } from '../../src/cache/sessionCache.js';
import { rolegateCacheDir } from '../../src/files/rolegatePaths.cjs';
import { MFA_SERIAL, PASSPHRASE, ROLE_ARN, mfaProcessRuns, useCredAccount, type Account } from './credFixture.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', extraEnv: { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE } }, (made) => ({ box, account } = made));

const RUNTIME_DEPENDENCIES = /^@napi-rs\/keyring(-[a-z0-9-]+)?$/;
const work = mkdtempSync(join(tmpdir(), 'rolegate-package-'));
const prefix = join(work, 'prefix');
let tarball = '';
let installedMain = '';
const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };

/**
 * npm with the caller's settings (registry, cache) but none that would redirect the install. Its
 * temporary files go to this test's folder: on Node 22 and later npm also turns on Node's compile
 * cache, which lands in TMPDIR/node-compile-cache (hundreds of files) and is never removed.
 */
function npm(args: string[], cwd: string): Promise<RunResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(prefix|global|local_prefix)$/i.test(name)));
  const temporary = join(work, 'tmp');
  mkdirSync(temporary, { recursive: true });
  return run('npm', args, { env: { ...env, TMPDIR: temporary }, cwd, timeoutMs: 240_000 });
}

before(async () => {
  assert.ok(existsSync(join(projectRoot, 'dist', 'bundle', 'cli', 'main.cjs')), 'dist/bundle is missing: run npm run build');
  // --ignore-scripts: prepack would rebuild dist/ under the tests that are running from it
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], projectRoot);
  assert.equal(packed.code, 0, packed.stderr);
  tarball = join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
  const installed = await npm(['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', tarball], work);
  assert.equal(installed.code, 0, `npm install -g --prefix failed: ${installed.stderr}`);
  installedMain = realpathSync(join(prefix, 'bin', 'rolegate'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** The installed copy, run by this test's node (the suite runs on Node 20 and 24). */
function rolegate(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<RunResult> {
  return run(process.execPath, [...nodeArgs, installedMain, ...args], { env: { ...env, NODE_PATH: '' } });
}

function packageNames(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  return readdirSync(nodeModules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => (name.startsWith('@') ? readdirSync(join(nodeModules, name)).map((inner) => `${name}/${inner}`) : [name]))
    .flatMap((name) => [name, ...packageNames(join(nodeModules, name, 'node_modules'))]);
}

const isBytecode = (path: string) => /(^|\/)__pycache__\/|\.py[co]$/.test(path);

test('the tarball holds the bundle, README, LICENSE and package.json: no tests, test hooks, generators, sources, source maps or bytecode', async () => {
  const listed = await run('tar', ['-tzf', tarball], { env: process.env });
  assert.equal(listed.code, 0, listed.stderr);
  const files = listed.stdout.trim().split('\n').map((path) => path.replace(/^package\//, ''));
  const unexpected = files.filter((path) => !/^(LICENSE|README\.md|package\.json|dist\/bundle\/cli\/[\w-]+\.c?js|assets\/.+)$/.test(path));
  assert.deepEqual(unexpected, []);
  assert.deepEqual(files.filter(isBytecode), [], 'no Python bytecode');
  assert.ok(files.includes('dist/bundle/cli/main.cjs') && files.includes('dist/bundle/cli/program.js') && files.includes('LICENSE'));
  // non-JS files the commands use (assets/) ship whole; code finds them through src/packageRoot.ts
  const assets = (dir: string): string[] =>
    existsSync(join(projectRoot, dir)) ? readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? assets(`${dir}/${e.name}`) : [`${dir}/${e.name}`])) : [];
  assert.deepEqual(assets('assets').filter((path) => !files.includes(path) && !isBytecode(path)), []);
  const installedRoot = join(prefix, 'lib', 'node_modules', 'rolegate');
  for (const file of files.filter((path) => path.startsWith('dist/'))) {
    const text = readFileSync(join(installedRoot, file), 'utf8');
    assert.doesNotMatch(text, /ROLEGATE_TEST_|fast-check|iniArbitraries|sourceMappingURL/, `${file} carries test code`);
  }
});

test('the installed copy has only its runtime dependencies, and lives outside the repository', () => {
  assert.ok(!installedMain.startsWith(projectRoot), installedMain);
  assert.deepEqual(packageNames(join(prefix, 'lib', 'node_modules')).filter((name) => name !== 'rolegate' && !RUNTIME_DEPENDENCIES.test(name)), []);
});

test('installed: rolegate --version (through the bin link) and rolegate profiles', async () => {
  const shown = await run(join(prefix, 'bin', 'rolegate'), ['--version'], { env: { ...box.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` } });
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(shown.stdout.trim(), version);

  writeFileSync(box.configFile, `[default]\nregion = us-east-1\n\n[profile ops]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\n`);
  const profiles = await rolegate(['profiles'], box.env);
  assert.equal(profiles.code, 0, profiles.stderr);
  assert.match(profiles.stdout, /\bops\b/);
  assert.equal(profiles.stderr, '');
});

test('installed: the AWS CLI gets credentials through the bundled SDK (moto), then credential-process answers from the cache loading only its entry file', async () => {
  const command = (profile: string) => credentialProcessCommand(profile, { env: box.env, scriptPath: installedMain });
  writeFileSync(
    box.configFile,
    `[default]\nregion = us-east-1\ncredential_process = ${command('default')}\nmfa_serial = ${MFA_SERIAL}\nmfa_process = ${account.mfaProcess}\n\n` +
      `[profile admin]\nregion = us-east-1\ncredential_process = ${command('admin')}\nrolegate_role_arn = ${ROLE_ARN}\n` +
      `rolegate_source_profile = default\nmfa_serial = ${MFA_SERIAL}\nmfa_process = ${account.mfaProcess}\n`,
  );
  assert.match(readFileSync(box.configFile, 'utf8'), new RegExp(`credential_process = .*${work.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const admin = await runAws(['--profile', 'admin', 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env });
  assert.equal(admin.code, 0, admin.stderr);
  assert.match(JSON.parse(admin.stdout).Arn, /:assumed-role\/admin\//);
  const actions = (await moto.requests()).map((request) => request.action);
  assert.deepEqual(actions.filter((action) => action !== 'GetCallerIdentity').sort(), ['AssumeRole', 'GetSessionToken']);
  assert.equal(mfaProcessRuns(account), 1);

  // The cache hit, recorded: every module loaded (CommonJS through require.cache, ES modules
  // through a resolve hook), with no passphrase and no network needed.
  const log = join(box.home, 'modules.log');
  const hooks = join(box.home, 'hooks.mjs');
  const register = join(box.home, 'register.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
  writeFileSync(
    register,
    `import { register, createRequire } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
      `const require = createRequire(import.meta.url);\nprocess.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).map((p) => 'cjs:' + p + '\\n').join('')));\n`,
  );
  writeFileSync(log, '');
  await moto.clearRequests();
  const hit = await rolegate(['credential-process', 'admin'], { ...box.env, ROLEGATE_FILE_PASSPHRASE: '', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }, ['--import', pathToFileURL(register).href]);
  assert.equal(hit.code, 0, hit.stderr);
  assert.match(JSON.parse(hit.stdout).AccessKeyId, /^ASIA/);
  const loaded = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('node:') && !line.endsWith('/register.mjs'))
    .map((line) => (line.startsWith('file:') ? fileURLToPath(line) : line.replace(/^cjs:/, '')));
  assert.ok(loaded.length > 0, 'the hooks recorded the run');
  assert.deepEqual([...new Set(loaded)], [installedMain]);
  assert.deepEqual(await moto.requests(), []);

  // The hourly role refresh (the role entry gone, the MFA session cached), twice: the first run
  // makes roleRefresh.cjs's code cache, the second reads it. Each loads main.cjs and
  // roleRefresh.cjs alone, and makes one AssumeRole without the key (no passphrase).
  for (const run of ['makes the code cache', 'reads the code cache']) {
    await deleteSessionEntry(roleEntryName('admin'), box.env);
    writeFileSync(log, '');
    await moto.clearRequests();
    const refreshed = await rolegate(['credential-process', 'admin'], { ...box.env, ROLEGATE_FILE_PASSPHRASE: '' }, ['--import', pathToFileURL(register).href]);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(refreshed.stderr, '', run);
    assert.match(JSON.parse(refreshed.stdout).AccessKeyId, /^ASIA/);
    assert.deepEqual((await moto.requests()).map((request) => request.action), ['AssumeRole'], run);
    const files = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('node:') && !line.endsWith('/register.mjs'))
      .map((line) => (line.startsWith('file:') ? fileURLToPath(line) : line.replace(/^cjs:/, '')));
    assert.deepEqual([...new Set(files)].sort(), [installedMain, join(dirname(installedMain), 'roleRefresh.cjs')].sort(), run);
    assert.equal(readdirSync(join(rolegateCacheDir(box.env), 'code')).filter((name) => name.startsWith('roleRefresh.cjs-')).length, 1, run);
  }
  assert.equal(mfaProcessRuns(account), 1, 'no new MFA code');
});
