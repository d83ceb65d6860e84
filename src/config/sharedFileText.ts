// Reading a shared file into a parsed document, with errors a person can act on. Light on
// purpose: credential-process reads profiles through here on every SDK call.
import { FileRefusedError, LIMITS, readCheckedFile } from '../files/checkedFile.cjs';
import { isUtf8 } from 'node:buffer';
import { homedir } from 'node:os';
import { UserError } from '../userError.js';
import { IniParseError, parseIni, type IniDocument } from './iniDocument.js';
import { rawSections } from './profileMap.js';

/** The path with the home folder shown as ~ (for messages). */
export function displayPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || homedir();
  return home && path.startsWith(home + '/') ? '~' + path.slice(home.length) : path;
}

// made only to find the line of a bad byte: a TextDecoder costs a credential refresh more than the check
let decoder: TextDecoder | undefined;

/** 1-based line of the first byte sequence that is not UTF-8. */
function firstBadUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const b = bytes[i];
    if (i === bytes.length || b === 0x0a || b === 0x0d) {
      try {
        (decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })).decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      if (b === 0x0d && bytes[i + 1] === 0x0a) i++;
      line++;
      start = i + 1;
    }
  }
  return line;
}

export function parseError(path: string, line: number, reason: string, env?: NodeJS.ProcessEnv): UserError {
  const shown = displayPath(path, env);
  return new UserError(`${shown} line ${line}: ${reason}; the AWS CLI and the SDKs cannot read this file either`, {
    exitCode: 2,
    next: `fix line ${line} of ${shown} (rolegate left the file untouched)`,
  });
}

/** Decodes file bytes as botocore does (UTF-8; a BOM is kept as a character); errors name file and line. */
export function decodeSharedText(path: string, bytes: Uint8Array, env?: NodeJS.ProcessEnv): string {
  // isUtf8 is as strict as a fatal TextDecoder; Buffer's decoding keeps a BOM, as ignoreBOM does
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  throw parseError(path, firstBadUtf8Line(bytes), 'the file is not valid UTF-8', env);
}

/** Runs a parse of the file's text, turning IniParseError into a UserError that names file and line. */
export function withParseErrors<T>(path: string, text: string, parse: () => T, env?: NodeJS.ProcessEnv): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof IniParseError) {
      let reason = error.message.replace(/^line \d+: /, '');
      if (error.line === 1 && text.startsWith('\ufeff')) {
        reason = 'the file starts with a UTF-8 byte order mark (BOM)';
      }
      throw parseError(path, error.line, reason, env);
    }
    throw error;
  }
}

/** Decodes and parses file bytes like botocore (UTF-8, universal newlines); errors name file and line. */
export function parseSharedText(path: string, bytes: Uint8Array, env?: NodeJS.ProcessEnv): IniDocument {
  const text = decodeSharedText(path, bytes, env);
  return withParseErrors(
    path,
    text,
    () => {
      const doc = parseIni(text);
      rawSections(doc); // nested values are checked here, as botocore does when it loads the file
      return doc;
    },
    env,
  );
}

/**
 * The file's bytes, or undefined when botocore would skip it: it does not exist or is not a
 * regular file (botocore's os.path.isfile; a FIFO is skipped without blocking on it), or it cannot
 * be opened (configparser ignores OSError). A file over 8 MiB is refused with a UserError rather
 * than parsed (a 200 MB file took gigabytes of memory).
 */
export async function readSharedBytes(path: string, env?: NodeJS.ProcessEnv): Promise<Uint8Array | undefined> {
  try {
    return readCheckedFile(path, { maxBytes: LIMITS.sharedFile });
  } catch (error) {
    if (error instanceof FileRefusedError && error.code === 'ETOOBIG') {
      const shown = displayPath(path, env);
      throw new UserError(`${shown} is too large to read: ${error.message}`, {
        next: `check what filled ${shown}; an AWS config or credentials file is rarely over a few hundred KiB`,
      });
    }
    return undefined;
  }
}
