import { join } from 'node:path';
import { packageRoot } from '../packageRoot.js';

/** A file the package ships in its top-level `assets/` folder (found beside rolegate's package.json). */
export function assetPath(...parts: string[]): string {
  return join(packageRoot(), 'assets', ...parts);
}
