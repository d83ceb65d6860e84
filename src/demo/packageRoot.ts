import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding rolegate's package.json, found by walking up from `start` (default: this
 * module's folder). Walking up, rather than a fixed `../..`, keeps working wherever the build puts
 * the JavaScript (dist/src/demo/, or one bundled file): the package ships `assets/` beside its
 * package.json either way.
 */
export function packageRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isRolegateManifest(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`rolegate's package.json was not found above ${start}`);
    dir = parent;
  }
}

function isRolegateManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'rolegate';
  } catch {
    return false;
  }
}

/** A file shipped in rolegate's top-level `assets/` folder. */
export function assetPath(...parts: string[]): string {
  return join(packageRoot(), 'assets', ...parts);
}
