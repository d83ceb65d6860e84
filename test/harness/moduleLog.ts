import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run } from './run.js';
import { tscRolegateBin } from './paths.js';

/**
 * Runs the CLI with a module hook that records every module it loads (ESM through a resolve hook,
 * CommonJS through require.cache at exit), and returns the file URLs.
 */
export async function loadedModules(args: string[], env: NodeJS.ProcessEnv, dir: string) {
  const log = join(dir, 'modules.log');
  const hooks = join(dir, 'hooks.mjs');
  const register = join(dir, 'register.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`,
  );
  writeFileSync(
    register,
    `import { register } from 'node:module';
import { createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const require = createRequire(import.meta.url);
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).map((p) => 'cjs:' + p + '\\n').join('')));`,
  );
  writeFileSync(log, '');
  const result = await run(process.execPath, ['--import', pathToFileURL(register).href, tscRolegateBin, ...args], { env });
  const modules = readFileSync(log, 'utf8').split('\n').filter((l) => l && !l.startsWith('node:'));
  return { result, modules };
}

/** Our own modules a run loaded (ES modules as file: URLs, CommonJS as cjs: paths), as paths under src/, sorted. */
export function ownModules(modules: string[]): string[] {
  const own = modules.filter((m) => m.startsWith('file:') || m.startsWith('cjs:')).map((m) => m.replace(/^(file|cjs):.*\/src\//, 'src/'));
  return [...new Set(own.filter((m) => m.startsWith('src/')))].sort();
}
