// Builds the shipped tree, dist/bundle/cli/, from the TypeScript sources (tsc builds dist/src/, which the
// tests run, from the same files). esbuild reads the .cts modules as ES modules here, so import() of
// them keeps their named exports across split chunks (it does not for compiled CommonJS):
// - main.cjs: the CommonJS entry with the cache-hit modules inlined; it still reaches the rest
//   with import() (./credentialProcess.js, ./program.js), so a cache hit loads one small file;
// - program.js and its chunks: ES modules, split at every import(), so the AWS SDK (bundled in)
//   still loads only when a command calls AWS;
// - credentialProcess.js: credential-process's full path and refreshes in one ES module, its
//   import()s inlined (no SDK is reachable from it).
// Everything is bundled except @napi-rs/keyring, a native module that stays a runtime dependency.
// ROLEGATE_TEST_HOOKS is defined as false: every test hook is dead code here (see testHooks.ts).
// The folder sits at the same depth as dist/src/cli, so paths relative to a module
// (../../../package.json, ../cli/main.cjs) resolve the same way in both trees.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'cli');
const out = join(root, 'dist', 'bundle', 'cli');
rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  // ES module builds of dependencies first: they tree-shake (the SDK's CommonJS builds do not).
  mainFields: ['module', 'main'],
  define: { 'globalThis.ROLEGATE_TEST_HOOKS': 'false' },
  external: ['@napi-rs/keyring'],
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: [join(from, 'main.cts')],
  outfile: join(out, 'main.cjs'),
  format: 'cjs',
  external: [...common.external, './credentialProcess.js', './program.js'],
});
chmodSync(join(out, 'main.cjs'), 0o755);

// CommonJS dependencies bundled into ES modules call require() for Node's built-ins, and read
// __filename (write-file-atomic names its temporary files with a hash of it).
const esmBanner = {
  js:
    "import { createRequire as __rolegateCreateRequire } from 'node:module'; const require = __rolegateCreateRequire(import.meta.url);" +
    " import { fileURLToPath as __rolegateFileURLToPath } from 'node:url'; const __filename = __rolegateFileURLToPath(import.meta.url);",
};

await build({
  ...common,
  entryPoints: [join(from, 'program.ts')],
  outdir: out,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  banner: esmBanner,
});

// credential-process's full path (a miss, the hourly role refresh, a cold call) in one file, its
// import()s inlined: each ES module file costs the loader more than its code costs to run, and
// nothing on this path reaches the AWS SDK (aws/stsQuery.ts signs and sends STS calls itself).
await build({
  ...common,
  entryPoints: [join(from, 'credentialProcess.ts')],
  outfile: join(out, 'credentialProcess.js'),
  format: 'esm',
  banner: esmBanner,
});
