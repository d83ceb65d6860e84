// Runs the compiled test files (dist/**/*.test.js) with Node's test runner. Node 20 has no glob
// support in `node --test`, and given a folder it would run every .js in it, helpers included.
// Arguments narrow the run to files whose path contains any of them: `npm test -- config`.
// Every run is also a secret scan: the tests run with TMPDIR in a folder of the run's own and note
// every secret they see (test/harness/secretRegistry.ts); their output is kept beside it, and after
// the run the output and every file left in that folder are searched for those secrets
// (test/harness/leakScan.ts). A secret found outside the files meant to hold it fails the run.
import { spawn } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

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
// The run folder must be passable by the other users some tests run a step as (like /tmp is):
// tmp/ is sticky and open like /tmp; the secrets list and the captured output sit in private/.
const runDir = mkdtempSync(join(tmpdir(), 'rolegate-test-run-'));
chmodSync(runDir, 0o711);
const tempDir = join(runDir, 'tmp');
mkdirSync(tempDir);
chmodSync(tempDir, 0o1777);
const privateDir = join(runDir, 'private');
mkdirSync(privateDir, { mode: 0o700 });
const secretsFile = join(privateDir, 'secrets.jsonl');
const outputFile = join(privateDir, 'output.txt');
const output = createWriteStream(outputFile);
const reporter = process.stdout.isTTY ? ['--test-reporter=spec'] : [];
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...reporter, ...files], {
  stdio: ['inherit', 'pipe', 'pipe'],
  env: { ...process.env, TMPDIR: tempDir, ROLEGATE_TEST_SECRETS_FILE: secretsFile },
});
child.stdout.on('data', (chunk) => (process.stdout.write(chunk), output.write(chunk)));
child.stderr.on('data', (chunk) => (process.stderr.write(chunk), output.write(chunk)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const status = await new Promise((resolve) => child.once('close', (code) => resolve(code ?? 1)));
await new Promise((resolve) => output.end(resolve));

const { readSecrets, scanForSecrets } = await import(pathToFileURL(join(dist, 'test', 'harness', 'leakScan.js')).href);
const report = scanForSecrets(readSecrets(secretsFile), { output: outputFile, tempDir });
const summary = `${report.secrets} secrets noted; ${report.outputBytes} bytes of output and ${report.files} leftover files searched`;
if (report.unscanned.length > 0) console.error(`secret scan: not read (too large or unreadable): ${report.unscanned.join(', ')}`);
if (report.leaks.length > 0) {
  console.error(`secret scan FAILED (${summary}):\n  ${report.leaks.join('\n  ')}\nthe run's output and leftovers are kept in ${runDir} (secrets.jsonl lists the secrets: delete the folder when done)`);
  process.exit(1);
}
console.error(`secret scan: no secret outside the files meant for it (${summary})`);
rmSync(runDir, { recursive: true, force: true });
process.exit(status);
