/**
 * Text from files or AWS shown on a terminal (profile names, values, paths): C0 and C1 control
 * characters, DEL and the bidirectional overrides are written as \xNN / \uNNNN escapes, so a name
 * cannot move the cursor, set the title, write the clipboard (OSC 52) or reorder what is shown.
 */
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function hasControlCharacters(text: string): boolean {
  UNSHOWABLE.lastIndex = 0;
  return UNSHOWABLE.test(text);
}

export function terminalSafe(text: string): string {
  return text.replace(UNSHOWABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
