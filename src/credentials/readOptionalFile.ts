import { readFileSync } from 'node:fs';

/**
 * A small file's text, or undefined when it does not exist. Synchronous on purpose: cache and
 * config files are a few hundred bytes, and on the credential-process hot path a thread-pool round
 * trip per file (open, fstat, read, close) costs more than the read itself.
 */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
