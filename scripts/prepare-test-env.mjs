// Creates the project's Python virtual environments with the pinned real parts the tests run
// against: .venv (moto's server, the AWS CLI v1, boto3), .venv-iac (cfn-lint, checkov) and
// .venv-hcl (python-hcl2). Idempotent: each venv holds a stamp with the hash of its requirements
// file, and is rebuilt only when that file changes.
// They are installed from wheels only, by uv (PyPI's `uv` package, pinned below, kept in
// .cache/uv-installer/ once installed; a `uv` on PATH is used as it is), all three at once: about
// 40 s on a fresh machine where pip took about 4 min. ROLEGATE_TEST_PIP=1 uses pip instead.
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.PYTHON ?? 'python3';
const UV_VERSION = '0.13.9';

/** venv folder, requirements file, and a program whose presence says the install finished. */
const VENVS = [
  ['.venv', 'requirements.txt', 'aws'],
  ['.venv-iac', 'requirements-iac.txt', 'checkov'],
  ['.venv-hcl', 'requirements-hcl.txt', 'python'],
];

function wantedHash(file) {
  return createHash('sha256').update(readFileSync(join(root, 'test', file))).digest('hex');
}

const stale = VENVS.filter(([name, file, program]) => {
  const stamp = join(root, name, '.rolegate-requirements.sha256');
  return !(existsSync(stamp) && readFileSync(stamp, 'utf8') === wantedHash(file) && existsSync(join(root, name, 'bin', program)));
});
if (stale.length === 0) process.exit(0);

function onPath(program) {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The uv to install with, installed first from PyPI when there is none; undefined: use pip. */
function uvProgram() {
  if (process.env.ROLEGATE_TEST_PIP === '1') return undefined;
  if (onPath('uv')) return 'uv';
  const installer = join(root, '.cache', 'uv-installer');
  const uv = join(installer, 'bin', 'uv');
  if (!existsSync(uv)) {
    console.error(`prepare-test-env: installing uv ${UV_VERSION} (PyPI) into ${installer}`);
    rmSync(installer, { recursive: true, force: true });
    execFileSync(python, ['-m', 'venv', installer], { stdio: 'inherit' });
    execFileSync(join(installer, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--only-binary', ':all:', `uv==${UV_VERSION}`], { stdio: 'inherit' });
  }
  return uv;
}

function run(program, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${program} ${args.join(' ')} exited with ${code}`))));
  });
}

const uv = uvProgram();
await Promise.all(
  stale.map(async ([name, file]) => {
    const venv = join(root, name);
    const requirements = join(root, 'test', file);
    console.error(`prepare-test-env: creating ${venv} from test/${file} with ${uv ? 'uv' : 'pip'}`);
    const started = Date.now();
    rmSync(venv, { recursive: true, force: true });
    if (uv) {
      await run(python, ['-m', 'venv', '--without-pip', venv]);
      // bytecode compiled now: the harness's moto server writes none (sys.dont_write_bytecode) and
      // would otherwise compile its modules again in every test process
      await run(uv, ['pip', 'install', '--quiet', '--compile-bytecode', '--python', join(venv, 'bin', 'python'), '--only-binary', ':all:', '-r', requirements]);
    } else {
      await run(python, ['-m', 'venv', venv]);
      await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
    }
    writeFileSync(join(venv, '.rolegate-requirements.sha256'), wantedHash(file));
    console.error(`prepare-test-env: ${name} ready in ${Math.round((Date.now() - started) / 1000)} s`);
  }),
);
