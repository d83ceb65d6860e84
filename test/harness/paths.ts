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

/** The repository root (works from src/ and from the compiled dist/). */
export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
export const venvBin = join(projectRoot, '.venv', 'bin');
export const rolegateBin = join(projectRoot, 'dist', 'src', 'cli', 'main.js');
export const motoLauncher = join(projectRoot, 'test', 'harness', 'moto_launcher.py');
