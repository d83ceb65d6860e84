import { FileRefusedError, LIMITS, readCheckedFile } from './checkedFile.cjs';
import { UserError } from '../userError.js';

/**
 * A record's text (the key file, setup's records), or undefined when it does not exist. Read
 * through checkedFile: never blocks on a FIFO, and refuses a device, a folder, a file another user
 * owns or may write, or one over `maxBytes`, with a message that names it. Synchronous on purpose:
 * these files are small, and on the credential-process path a thread-pool round trip per file
 * (open, fstat, read, close) costs more than the read itself.
 */
export async function readOptionalFile(path: string, maxBytes: number = LIMITS.record): Promise<string | undefined> {
  try {
    return readCheckedFile(path, { maxBytes, private: true })?.toString('utf8');
  } catch (error) {
    if (error instanceof FileRefusedError) {
      throw new UserError(`rolegate does not read ${path}: ${error.message}`, {
        next: `move ${path} aside (rolegate reads only regular files of yours that no one else may write), then run the command again`,
        cause: error,
      });
    }
    throw error;
  }
}
