import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (works from src/ and from any compiled output folder inside it). */
export const projectRoot = findRoot(here);
/** The compiled output this harness belongs to (dist/ by default; any `--outDir` works). */
export const outputRoot = join(here, '..', '..');
export const venvBin = join(projectRoot, '.venv', 'bin');
/**
 * The rolegate the tests run: the shipped bundle's build with the test hooks live
 * (`node scripts/bundle.mjs --with-test-hooks`, in `npm test`), so they run what ships, and a
 * command loads a few chunks rather than a hundred ES module files (half the CPU on Node 20).
 */
export const rolegateBin = join(outputRoot, 'testbundle', 'cli', 'main.cjs');
/** tsc's tree, module by module: for the tests that record which of our modules a path loads. */
export const tscRolegateBin = join(outputRoot, 'src', 'cli', 'main.cjs');
export const motoLauncher = join(projectRoot, 'test', 'harness', 'moto_launcher.py');
/** The client of the run's warm Python for `aws` and boto3 (py_zygote.py). */
export const pyZygoteClient = join(projectRoot, 'test', 'harness', 'py_zygote_client.py');
/** cfn-lint and checkov (test/requirements-iac.txt). */
export const iacVenvBin = join(projectRoot, '.venv-iac', 'bin');
/** python-hcl2 (test/requirements-hcl.txt). */
export const hclVenvBin = join(projectRoot, '.venv-hcl', 'bin');
