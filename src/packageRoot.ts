/**
 * The folder of rolegate's package.json: the repository in a checkout, the installed package
 * folder otherwise. Found by walking up from this module's own file, so it holds in tsc's dist/src/
 * (where modules keep the source tree's depths) and in the shipped bundle (dist/bundle/cli/, where
 * every module sits in one folder). Non-JS files the package ships (assets/) are found from here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; ) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'rolegate') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`rolegate's package.json was not found above ${from}`);
    dir = parent;
  }
}
