// Runs the compiled test files (dist/**/*.test.js) with Node's test runner. Node 20 has no glob
// support in `node --test`, and given a folder it would run every .js in it, helpers included.
// Arguments narrow the run to files whose path contains any of them: `npm test -- config`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
// `--dist DIR` runs another compiled tree (parallel builds use their own --outDir).
const argv = process.argv.slice(2);
const distFlag = argv.indexOf('--dist');
const dist = distFlag >= 0 ? join(root, argv.splice(distFlag, 2)[1]) : join(root, 'dist');
const filters = argv;

function collect(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return collect(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const files = collect(dist)
  .filter((file) => filters.length === 0 || filters.some((f) => relative(root, file).includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`run-tests: no test files match ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
