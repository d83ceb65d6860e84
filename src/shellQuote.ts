/**
 * A word for a POSIX shell command line: left alone when it holds only characters no shell
 * treats specially, else single-quoted with an embedded ' written as '\''. botocore's shlex split
 * of credential_process reads it the same way.
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quotePosix(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
