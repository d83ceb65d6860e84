// Creates the project's Python virtual environment (.venv) with the pinned real parts the tests
// run against: moto's server, the AWS CLI (v1) and boto3. Idempotent: a stamp holds the hash of
// test/requirements.txt, and the venv is rebuilt only when that file changes.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.venv');
const requirements = join(root, 'test', 'requirements.txt');
const stamp = join(venv, '.rolegate-requirements.sha256');
const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(join(venv, 'bin', 'aws'))) {
  process.exit(0);
}
const python = process.env.PYTHON ?? 'python3';
console.error(`prepare-test-env: creating ${venv} with ${python}`);
rmSync(venv, { recursive: true, force: true });
execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
const pip = join(venv, 'bin', 'pip');
execFileSync(pip, ['install', '--quiet', '--disable-pip-version-check', '-r', requirements], { stdio: 'inherit' });
writeFileSync(stamp, wanted);
console.error('prepare-test-env: ready');
