// A lossless model of an INI file as botocore reads it: the text is kept line by line (with each
// line's own terminator), and the structure is derived by a faithful port of Python's
// configparser.RawConfigParser._read (the parser botocore uses), so that what rolegate sees in a
// file is exactly what the AWS CLI and the SDKs see. serialize(parseIni(x)) === x for any x that
// parses; anything RawConfigParser rejects is rejected here, with the line number.
import { firstNonSpace, pyRstrip, pyStrip } from './pythonText.js';

export type LineEnding = '' | '\n' | '\r\n' | '\r';

export interface IniLine {
  /** The line without its terminator. */
  text: string;
  eol: LineEnding;
}

export type LineKind = 'blank' | 'comment' | 'section' | 'option' | 'continuation';

export interface IniEntry {
  /** Option name lower-cased (configparser's optionxform). */
  key: string;
  /** Index of the `key = value` line. */
  line: number;
  /** Index of the last continuation line (=== line when there is none). */
  lastLine: number;
  /** Indices of continuation lines (comments and blank lines in between are not listed). */
  continuationLines: number[];
  /** The value as configparser returns it (continuations joined with \n, right-stripped). */
  value: string;
  /** Column of the first non-space character of the option line. */
  indent: number;
}

export interface IniSection {
  /** The text between the brackets, as configparser reports it (not stripped). */
  name: string;
  line: number;
  /** Index one past the section's last line (the next header, or the end of the file). */
  end: number;
  entries: IniEntry[];
}

export interface IniStructure {
  kinds: LineKind[];
  sections: IniSection[];
  /** `[DEFAULT]` sections: configparser merges their options into every other section. */
  defaults: IniSection[];
}

export class IniParseError extends Error {
  /** 1-based line number. */
  readonly line: number;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'IniParseError';
    this.line = line;
  }
}

/** configparser's DEFAULTSECT. */
export const DEFAULT_SECTION = 'DEFAULT';

/** Splits text into lines the way Python's universal-newline reading does (\r\n, \r, \n). */
export function splitLines(text: string): IniLine[] {
  const lines: IniLine[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0] as LineEnding });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

export function joinLines(lines: readonly IniLine[]): string {
  let out = '';
  for (const line of lines) out += line.text + line.eol;
  return out;
}

const SECTION_HEADER = /^\[(.+)\]/s;
// configparser's OPTCRE: `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$` on a stripped line.
function matchOption(stripped: string): { option: string; delimiter: string; value: string } | undefined {
  const at = stripped.search(/[=:]/);
  if (at < 0) return undefined;
  return { option: pyRstrip(stripped.slice(0, at)), delimiter: stripped[at]!, value: stripped.slice(at + 1) };
}

export function isCommentText(text: string): boolean {
  const stripped = pyStrip(text);
  return stripped.startsWith('#') || stripped.startsWith(';');
}

/** The header name a stripped line names, or undefined when it is not a section header. */
export function sectionHeaderName(stripped: string): string | undefined {
  const m = SECTION_HEADER.exec(stripped);
  return m ? m[1] : undefined;
}

/** Derives the structure of lines, or throws IniParseError where configparser would raise. */
export function parseStructure(lines: readonly IniLine[]): IniStructure {
  const kinds: LineKind[] = [];
  const sections: IniSection[] = [];
  const defaults: IniSection[] = [];
  const seenSections = new Set<string>();
  const seenOptions = new Set<string>();
  let current: IniSection | undefined;
  let entry: IniEntry | undefined;
  let pieces: string[] = [];
  let indentLevel = 0;
  let firstError: IniParseError | undefined;

  const finishEntry = () => {
    if (entry) entry.value = pyRstrip(pieces.join('\n'));
    entry = undefined;
    pieces = [];
  };
  const finishSection = (end: number) => {
    finishEntry();
    if (current) current.end = end;
  };

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const stripped = pyStrip(line.text);
    if (stripped.startsWith('#') || stripped.startsWith(';')) {
      kinds.push('comment');
      return;
    }
    if (!stripped) {
      // empty_lines_in_values: a blank line joins the current value (and is stripped at the end)
      kinds.push('blank');
      if (entry) pieces.push('');
      return;
    }
    const indent = firstNonSpace(line.text);
    if (current && entry && indent > indentLevel) {
      kinds.push('continuation');
      pieces.push(stripped);
      entry.continuationLines.push(index);
      entry.lastLine = index;
      return;
    }
    indentLevel = indent;
    const header = sectionHeaderName(stripped);
    if (header !== undefined) {
      finishSection(index);
      kinds.push('section');
      if (header === DEFAULT_SECTION) {
        current = { name: header, line: index, end: lines.length, entries: [] };
        defaults.push(current);
      } else {
        if (seenSections.has(header)) {
          throw new IniParseError(lineNo, `section [${header}] appears twice`);
        }
        seenSections.add(header);
        current = { name: header, line: index, end: lines.length, entries: [] };
        sections.push(current);
      }
      return;
    }
    if (!current) {
      throw new IniParseError(lineNo, 'text before the first [section] header');
    }
    const option = matchOption(stripped);
    if (!option) {
      kinds.push('option');
      firstError ??= new IniParseError(lineNo, 'not a section header, a comment, or a key = value line');
      finishEntry();
      return;
    }
    kinds.push('option');
    finishEntry();
    if (!option.option) {
      firstError ??= new IniParseError(lineNo, 'a key is missing before the = sign');
      // configparser stores it under '' and goes on; '' is falsy, so no continuation follows it
      return;
    }
    const key = option.option.toLowerCase();
    const sectionKey = `${current.name}\u0000${key}`;
    if (seenOptions.has(sectionKey)) {
      throw new IniParseError(lineNo, `key "${key}" appears twice in [${current.name}]`);
    }
    seenOptions.add(sectionKey);
    entry = { key, line: index, lastLine: index, continuationLines: [], value: '', indent };
    pieces = [pyStrip(option.value)];
    current.entries.push(entry);
  });
  finishSection(lines.length);
  if (firstError) throw firstError;
  return { kinds, sections, defaults };
}

/** A parsed file: its lines (lossless) and the structure configparser sees in them. */
export interface IniDocument {
  lines: IniLine[];
  structure: IniStructure;
}

export function parseIni(text: string): IniDocument {
  const lines = splitLines(text);
  return { lines, structure: parseStructure(lines) };
}

export function serializeIni(doc: { lines: readonly IniLine[] }): string {
  return joinLines(doc.lines);
}
