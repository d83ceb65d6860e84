// Python's notion of whitespace and line breaks, which botocore's parser (configparser) relies on.
// They differ from JavaScript's: U+001C..U+001F and U+0085 are whitespace to Python, U+FEFF is not.

const WHITESPACE =
  '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004' +
  '\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const WHITESPACE_SET = new Set(WHITESPACE);

/** Characters at which Python's `str.splitlines()` breaks a line. */
const LINE_BREAKS = /\r\n|[\n\u000b\u000c\r\u001c\u001d\u001e\u0085\u2028\u2029]/;

export function isPySpace(ch: string): boolean {
  return WHITESPACE_SET.has(ch);
}

/** Python `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  return pyRstrip(pyLstrip(text));
}

export function pyLstrip(text: string): string {
  let start = 0;
  while (start < text.length && WHITESPACE_SET.has(text[start]!)) start++;
  return text.slice(start);
}

export function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && WHITESPACE_SET.has(text[end - 1]!)) end--;
  return text.slice(0, end);
}

/** Index of the first non-whitespace character (Python `re.search(r"\S")`), or -1. */
export function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) if (!WHITESPACE_SET.has(text[i]!)) return i;
  return -1;
}

/** Python `str.splitlines()` (without keepends). */
export function pySplitLines(text: string): string[] {
  const parts = text.split(new RegExp(LINE_BREAKS.source, 'g'));
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function hasPyLineBreak(text: string): boolean {
  return LINE_BREAKS.test(text);
}
