// Creates the project's Python virtual environments with the pinned real parts the tests run
// against: .venv (moto's server, the AWS CLI v1, boto3), .venv-iac (cfn-lint, checkov) and
// .venv-hcl (python-hcl2). Idempotent: each venv holds a stamp with the hash of its requirements
// file, and is rebuilt only when that file changes.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.PYTHON ?? 'python3';

/** venv folder, requirements file, and a program whose presence says the install finished. */
const VENVS = [
  ['.venv', 'requirements.txt', 'aws'],
  ['.venv-iac', 'requirements-iac.txt', 'checkov'],
  ['.venv-hcl', 'requirements-hcl.txt', 'python'],
];

for (const [name, file, program] of VENVS) {
  const venv = join(root, name);
  const requirements = join(root, 'test', file);
  const stamp = join(venv, '.rolegate-requirements.sha256');
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(join(venv, 'bin', program))) continue;
  console.error(`prepare-test-env: creating ${venv} from test/${file} with ${python}`);
  const started = Date.now();
  rmSync(venv, { recursive: true, force: true });
  execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements], { stdio: 'inherit' });
  writeFileSync(stamp, wanted);
  console.error(`prepare-test-env: ${name} ready in ${Math.round((Date.now() - started) / 1000)} s`);
}
