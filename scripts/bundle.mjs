// Builds the shipped tree, dist/bundle/cli/, from the TypeScript sources (tsc builds dist/src/, which the
// tests run, from the same files). esbuild reads the .cts modules as ES modules here, so import() of
// them keeps their named exports across split chunks (it does not for compiled CommonJS):
// - main.cjs: the CommonJS entry with the cache-hit modules inlined; it still reaches the rest
//   with require() (./credentialProcess.cjs) and import() (./program.js), so a cache hit loads one small file;
// - program.js and its chunks: ES modules, split at every import(), so the AWS SDK (bundled in)
//   still loads only when a command calls AWS;
// - credentialProcess.cjs: credential-process's full path and refreshes in one CommonJS file,
//   required by main.cjs (no SDK is reachable from it).
// Everything is bundled except @napi-rs/keyring, a native module that stays a runtime dependency.
// ROLEGATE_TEST_HOOKS is defined as false: every test hook is dead code here (see testHooks.ts).
// The folder sits at the same depth as dist/src/cli, so paths relative to a module
// (../../../package.json, ../cli/main.cjs) resolve the same way in both trees.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'cli');
// `--with-test-hooks`: the same build with the test hooks live, in dist/testbundle/ (what the
// end-to-end tests run, test/harness/paths.ts)
const withTestHooks = process.argv.includes('--with-test-hooks');
const tree = join(root, 'dist', withTestHooks ? 'testbundle' : 'bundle');
const out = join(tree, 'cli');
rmSync(tree, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  // ES module builds of dependencies first: they tree-shake (the SDK's CommonJS builds do not).
  mainFields: ['module', 'main'],
  define: withTestHooks ? {} : { 'globalThis.ROLEGATE_TEST_HOOKS': 'false' },
  external: ['@napi-rs/keyring'],
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// In the bundle, main.cjs and exec's fast path reach credential-process's full path with require()
// (credentialProcess.cjs, below), and main.cjs the hourly role refresh (roleRefresh.cjs), through a
// V8 code cache (files/codeCache.cts), where the tsc tree imports the ES modules.
const CACHED_REQUIRES = { "import('./credentialProcess.js')": 'credentialProcess.cjs', "import('./roleRefresh.js')": 'roleRefresh.cjs' };
const CACHED_IN = { main: Object.keys(CACHED_REQUIRES), execEndpointFromCache: ["import('./credentialProcess.js')"] };
const requireCredentialProcess = {
  name: 'require-credential-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]cli[\\/](main|execEndpointFromCache)\.cts$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      for (const imported of CACHED_IN[args.path.replace(/^.*[\\/]|\.cts$/g, '')]) {
        if (!text.includes(imported)) throw new Error(`${args.path} no longer has ${imported}: update scripts/bundle.mjs`);
        // through the V8 code cache (files/codeCache.cts): compiling the file cost a refresh more than its work
        text = text.replaceAll(imported, `Promise.resolve(__rolegateRequireCached(require('node:path').join(__dirname, '${CACHED_REQUIRES[imported]}')))`);
      }
      // (the import goes last: a shebang must stay first, and imports are hoisted)
      const contents = text + "\nimport { requireWithCodeCache as __rolegateRequireCached } from '../files/codeCache.cjs';\n";
      return { contents, loader: 'ts' };
    });
  },
};

await build({
  ...common,
  entryPoints: [join(from, 'main.cts')],
  outfile: join(out, 'main.cjs'),
  format: 'cjs',
  external: [...common.external, './credentialProcess.cjs', './roleRefresh.cjs', './program.js'],
  plugins: [requireCredentialProcess],
});
chmodSync(join(out, 'main.cjs'), 0o755);

// CommonJS dependencies bundled into ES modules call require() for Node's built-ins, and read
// __filename (write-file-atomic names its temporary files with a hash of it).
const esmBanner = {
  js:
    "import { createRequire as __rolegateCreateRequire } from 'node:module'; const require = __rolegateCreateRequire(import.meta.url);" +
    " import { fileURLToPath as __rolegateFileURLToPath } from 'node:url'; const __filename = __rolegateFileURLToPath(import.meta.url);",
};

// Sources whose refresh needs an SDK package (the console sign-in's provider, the IAM Identity
// Center sign-in a caller starts): their module is an entry of the ES module build
// (dist/bundle/cli/<name>.js), and credential-process's CommonJS file reaches it with import()
// instead of inlining it, so that file stays free of the SDK.
const SDK_SOURCES = [join(root, 'src', 'sources', 'login', 'loginCredentials.ts'), join(root, 'src', 'sources', 'sso', 'callerSignIn.ts')];
const sdkSourcesOutside = {
  name: 'sdk-sources-outside',
  setup(b) {
    b.onResolve({ filter: /(Credentials|callerSignIn)\.js$/ }, (args) => {
      const target = join(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (!SDK_SOURCES.includes(target)) return undefined;
      return { path: `./${target.split(/[\\/]/).pop().replace(/\.ts$/, '.js')}`, external: true };
    });
  },
};

await build({
  ...common,
  // named, so each lands in cli/ beside program.js (not in a folder of its source's path)
  entryPoints: { program: join(from, 'program.ts'), ...Object.fromEntries(SDK_SOURCES.map((path) => [path.split(/[\\/]/).pop().replace(/\.ts$/, ''), path])) },
  outdir: out,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  banner: esmBanner,
});

// credential-process's full path (a miss, the hourly role refresh, a cold call) as one CommonJS
// file, credentialProcess.cjs, its modules initialised lazily where they are imported (esbuild's
// lazy wrappers), so that a rare branch (the key stores, the prompts, the proxy agents) costs
// nothing until it runs, and required, not imported: a refresh never starts the ES module loader.
// Nothing on this path reaches the AWS SDK (aws/stsQuery.ts signs and sends STS calls itself).
await build({
  ...common,
  entryPoints: [join(from, 'credentialProcess.ts')],
  outfile: join(out, 'credentialProcess.cjs'),
  format: 'cjs',
  // --help is commander's (program.js): imported from the ES module build, never inlined here
  external: [...common.external, './program.js'],
  plugins: [sdkSourcesOutside],
});
// Its import() calls go through the loader's (files/codeCache.cts): a script compiled from V8's
// cached data cannot import() itself. Required the usual way, it imports as before.
const DYNAMIC_IMPORT = /(?<![\w$.])import\((?=["'])/g;
const refreshSource = await readFile(join(out, 'credentialProcess.cjs'), 'utf8');
if ((refreshSource.match(DYNAMIC_IMPORT) ?? []).length === 0) throw new Error('credentialProcess.cjs has no import() left: update scripts/bundle.mjs');
await writeFile(
  join(out, 'credentialProcess.cjs'),
  refreshSource
    .replace(DYNAMIC_IMPORT, '__rolegateImport(')
    .replace('"use strict";\n', '"use strict";\nvar __rolegateImport = typeof module.rolegateImport === "function" ? module.rolegateImport : (specifier) => import(specifier);\n'),
);
// what a refresh reads must stay small: no SDK, no commander, no other command
const refreshFile = await readFile(join(out, 'credentialProcess.cjs'), 'utf8');
if (!refreshFile.includes('var __rolegateImport = ') || /(?<![\w$.])import\((?!specifier\))/.test(refreshFile)) {
  throw new Error('credentialProcess.cjs: an import() is left outside __rolegateImport: update scripts/bundle.mjs');
}
if (refreshFile.length > 512 * 1024 || /node_modules\/(@aws-sdk|@smithy|commander)\//.test(refreshFile)) {
  throw new Error(`credentialProcess.cjs grew to ${refreshFile.length} bytes or took in the SDK or commander: an import() on its path reaches another command`);
}

// The hourly role refresh driven by the shortcut note (roleRefresh.ts) as a CommonJS file of its
// own, roleRefresh.cjs: the role lookup, the lock, AssumeRole and the writes, without the profile
// parser, the sources or the key and code path, so a refresh reads and deserializes a fraction of
// credentialProcess.cjs. It never sends through a proxy (a proxy variable sends it to the full
// path before any request), so the proxy modules are left out of it: reached anyway, they throw.
const PROXY_MODULES = /^(proxy-from-env|https-proxy-agent|http-proxy-agent)$/;
const proxyModulesOut = {
  name: 'proxy-modules-out',
  setup(b) {
    b.onResolve({ filter: PROXY_MODULES }, (args) => ({ path: args.path, namespace: 'proxy-out' }));
    b.onLoad({ filter: /.*/, namespace: 'proxy-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in roleRefresh.cjs: a proxy takes credentialProcess.cjs`)});`,
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  entryPoints: [join(from, 'roleRefresh.ts')],
  outfile: join(out, 'roleRefresh.cjs'),
  format: 'cjs',
  plugins: [proxyModulesOut],
});
const roleRefreshFile = await readFile(join(out, 'roleRefresh.cjs'), 'utf8');
if (DYNAMIC_IMPORT.test(roleRefreshFile) || roleRefreshFile.length > 96 * 1024 || /node_modules\/|profiles\.ts|resolveCredentials|keyStore|mfaCode/.test(roleRefreshFile)) {
  throw new Error(`roleRefresh.cjs grew to ${roleRefreshFile.length} bytes, kept an import() or took in a module off the role refresh's path: see scripts/bundle.mjs`);
}
