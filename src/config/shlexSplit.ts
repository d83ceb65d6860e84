// Python's `shlex.split(s)` (POSIX mode, no comments), which botocore uses to split config-file
// section names such as `[profile "my name"]`. Ported from the state machine in CPython's shlex.

const WHITESPACE = ' \t\r\n';
const QUOTES = `'"`;
const ESCAPE = '\\';
const ESCAPED_QUOTES = '"';

/** Throws `Error` where Python raises `ValueError` (unclosed quote, trailing backslash). */
export function shlexSplit(input: string): string[] {
  const tokens: string[] = [];
  let pos = 0;
  let state: string | null = ' ';
  const next = (): string => (pos < input.length ? input[pos++]! : '');

  while (state !== null) {
    let token = '';
    let quoted = false;
    let escapedState = ' ';
    for (;;) {
      const ch = next();
      if (state === ' ') {
        if (!ch) {
          state = null;
          break;
        } else if (WHITESPACE.includes(ch)) {
          if (token || quoted) break;
        } else if (ch === ESCAPE) {
          escapedState = 'a';
          state = ch;
        } else if (QUOTES.includes(ch)) {
          state = ch;
        } else {
          token = ch;
          state = 'a';
        }
      } else if (QUOTES.includes(state)) {
        quoted = true;
        if (!ch) throw new Error('No closing quotation');
        if (ch === state) state = 'a';
        else if (ch === ESCAPE && ESCAPED_QUOTES.includes(state)) {
          escapedState = state;
          state = ch;
        } else token += ch;
      } else if (state === ESCAPE) {
        if (!ch) throw new Error('No escaped character');
        if (QUOTES.includes(escapedState) && ch !== state && ch !== escapedState) token += state;
        token += ch;
        state = escapedState;
      } else {
        // state 'a': inside a word
        if (!ch) {
          state = null;
          break;
        } else if (WHITESPACE.includes(ch)) {
          state = ' ';
          if (token || quoted) break;
        } else if (QUOTES.includes(ch)) {
          state = ch;
        } else if (ch === ESCAPE) {
          escapedState = 'a';
          state = ch;
        } else token += ch;
      }
    }
    // POSIX shlex: an empty token counts only when it was quoted ("")
    if (token !== '' || quoted) tokens.push(token);
  }
  return tokens;
}
