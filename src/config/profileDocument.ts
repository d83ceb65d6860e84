// Profile-level edits on a lossless document: set, unset and remove touch only the lines of what
// they edit, in the file's own style; every edit is checked afterwards against botocore's reading
// of the whole file, so an edit can never change a value it did not mean to change.
import { isDeepStrictEqual } from 'node:util';
import { badInput, UserError } from '../userError.js';
import {
  joinLines,
  parseStructure,
  splitLines,
  type IniEntry,
  type IniLine,
  type IniSection,
  type IniStructure,
  type LineEnding,
} from './iniDocument.js';
import {
  buildProfileMap,
  configProfileSection,
  configSectionRole,
  DEFAULT_SECTION,
  getOwn,
  rawSections,
  setOwn,
  type ProfileValue,
  type ProfileValues,
} from './profileMap.js';
import { firstNonSpace, hasPyLineBreak, isPySpace, pyRstrip, pyStrip } from './pythonText.js';

export type SharedFileKind = 'config' | 'credentials';

export interface ProfileDocument {
  profileNames(): string[];
  hasProfile(profile: string): boolean;
  /** A dotted key addresses a nested value (`s3.max_concurrent_requests`). */
  getValue(profile: string, key: string): string | undefined;
  /** Creates the section if it is missing. */
  setValue(profile: string, key: string, value: string): void;
  unsetValue(profile: string, key: string): void;
  removeProfile(profile: string): void;
}

/** Splits `s3.max_concurrent_requests` into the key and the nested key. */
export function splitKey(key: string): { top: string; sub: string | undefined } {
  const dot = key.indexOf('.');
  if (dot < 0) return { top: key, sub: undefined };
  const sub = key.slice(dot + 1);
  if (sub.includes('.')) throw badInput(`key "${key}" nests more than one level`, 'use KEY or KEY.SUBKEY (for example s3.max_concurrent_requests)');
  return { top: key.slice(0, dot), sub };
}

function checkKeyName(name: string, whole: string, nested: boolean): void {
  const bad = (why: string) => badInput(`key "${whole}" cannot be written: ${why}`, 'use a plain name such as region or s3.max_concurrent_requests');
  if (!name) throw bad('a name is empty');
  if (hasPyLineBreak(name)) throw bad('it contains a line break');
  if (pyStrip(name) !== name) throw bad('it starts or ends with a space');
  if (/[=]/.test(name) || (!nested && name.includes(':'))) throw bad('it contains = or :');
  if (name.startsWith('#') || name.startsWith(';')) throw bad('it would be read as a comment');
  if (!nested && name.startsWith('[')) throw bad('it would be read as a section header');
}

function checkValue(value: string): void {
  if (hasPyLineBreak(value)) throw badInput('the value contains a line break, which the shared files cannot hold');
  if (pyStrip(value) !== value) throw badInput('the value starts or ends with a space, which botocore would strip');
}

/** Double-quotes a profile name for `[profile NAME]` when shlex would not read it back as one word. */
function quoteProfileName(name: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(name)) return name;
  return `"${name.replace(/["\\]/g, (c) => '\\' + c)}"`;
}

interface Style {
  before: string;
  delimiter: string;
  after: string;
}

const DEFAULT_STYLE: Style = { before: ' ', delimiter: '=', after: ' ' };
const leadingSpace = (text: string) => text.slice(0, Math.max(0, firstNonSpace(text)));

export class SharedFileDocument implements ProfileDocument {
  readonly kind: SharedFileKind;
  private lines: IniLine[];
  private structure: IniStructure;

  /** Throws IniParseError when the text is not a file botocore can read. */
  constructor(kind: SharedFileKind, text: string) {
    this.kind = kind;
    this.lines = splitLines(text);
    this.structure = parseStructure(this.lines);
    rawSections(this.doc);
  }

  private get doc() {
    return { lines: this.lines, structure: this.structure };
  }

  text(): string {
    return joinLines(this.lines);
  }

  private profilesMap(): Map<string, ProfileValues> {
    const raw = rawSections(this.doc);
    if (this.kind === 'credentials') return raw;
    return buildProfileMap(raw).profiles;
  }

  profileNames(): string[] {
    return [...this.profilesMap().keys()];
  }

  /** Every profile with its values, read in one pass (getValue per key reads the file each time). */
  profileValues(): Map<string, ProfileValues> {
    return this.profilesMap();
  }

  hasProfile(profile: string): boolean {
    return this.profilesMap().has(profile);
  }

  private profileValue(profile: string, key: string): ProfileValue | undefined {
    const { top, sub } = splitKey(key);
    const values = this.profilesMap().get(profile);
    if (!values) return undefined;
    const value = getOwn(values, top.toLowerCase());
    if (sub === undefined) return value;
    return typeof value === 'object' ? getOwn(value, sub) : undefined;
  }

  getValue(profile: string, key: string): string | undefined {
    const value = this.profileValue(profile, key);
    return typeof value === 'string' ? value : undefined;
  }

  /** True when KEY names a group of nested values (`s3`) rather than a single value. */
  isNestedGroup(profile: string, key: string): boolean {
    return typeof this.profileValue(profile, key) === 'object';
  }

  private section(profile: string): IniSection | undefined {
    if (this.kind === 'config') return configProfileSection(this.doc, profile);
    return this.structure.sections.find((s) => s.name === profile);
  }

  private checkProfileName(profile: string): void {
    if (!profile) throw badInput('the profile name is empty');
    if (/[\r\n]/.test(profile) || hasPyLineBreak(profile)) throw badInput('the profile name contains a line break');
    if (this.kind === 'credentials' && profile === DEFAULT_SECTION) {
      throw badInput('a profile named DEFAULT cannot be written to the credentials file (configparser reserves [DEFAULT])');
    }
  }

  private fileEol(): LineEnding {
    return this.lines.find((l) => l.eol)?.eol ?? '\n';
  }

  private rebuild(): void {
    this.structure = parseStructure(this.lines);
  }

  /** Inserts lines after index `after` (-1: at the top), keeping a missing final newline missing. */
  private insertAfter(after: number, texts: string[]): void {
    const eol = this.fileEol();
    const prev = this.lines[after];
    const newLines: IniLine[] = texts.map((text) => ({ text, eol }));
    if (prev && !prev.eol) {
      // only the last line can lack an ending: the new last line now lacks it instead
      prev.eol = eol;
      newLines[newLines.length - 1]!.eol = '';
    }
    this.lines.splice(after + 1, 0, ...newLines);
  }

  private removeLines(indices: number[]): void {
    const sorted = [...new Set(indices)].sort((a, b) => b - a);
    const lastEolLost = sorted.length > 0 && sorted[0] === this.lines.length - 1 && this.lines[this.lines.length - 1]!.eol === '';
    for (const i of sorted) this.lines.splice(i, 1);
    // keep a missing final newline missing (an empty last line keeps its ending, or it would vanish)
    const last = this.lines[this.lines.length - 1];
    if (lastEolLost && last && last.text !== '') last.eol = '';
  }

  private styleFrom(entry: IniEntry): Style | undefined {
    const text = this.lines[entry.line]!.text;
    const at = text.search(/[=:]/);
    if (at < 0) return undefined;
    const before = text.slice(0, at);
    const rest = text.slice(at + 1);
    const after = leadingSpace(rest + 'x');
    if (!pyStrip(rest)) return undefined;
    return { before: before.slice(pyRstrip(before).length), delimiter: text[at]!, after };
  }

  private style(section: IniSection | undefined): Style {
    const candidates = [...(section?.entries ?? [])].reverse();
    for (const s of [...this.structure.sections, ...this.structure.defaults]) candidates.push(...s.entries);
    for (const entry of candidates) {
      const style = this.styleFrom(entry);
      if (style) return style;
    }
    return DEFAULT_STYLE;
  }

  private optionText(indent: string, key: string, value: string, style: Style): string {
    const text = `${indent}${key}${style.before}${style.delimiter}${value ? style.after + value : ''}`;
    return value ? text : text.replace(/[ \t]+$/, '');
  }

  /** Where a new key goes: after the section's last entry (before blank lines and comments leading on). */
  private insertionPoint(section: IniSection): { after: number; indent: string } {
    const last = section.entries[section.entries.length - 1];
    if (!last) return { after: section.line, indent: '' };
    return { after: last.lastLine, indent: leadingSpace(this.lines[last.line]!.text) };
  }

  private nestedIndent(optionIndent: string): string {
    for (const s of [...this.structure.sections, ...this.structure.defaults]) {
      for (const e of s.entries) {
        const first = e.continuationLines[0];
        if (first === undefined || !e.value.startsWith('\n')) continue;
        const parentIndent = leadingSpace(this.lines[e.line]!.text);
        const childIndent = leadingSpace(this.lines[first]!.text);
        if (childIndent.startsWith(parentIndent) && childIndent.length > parentIndent.length) {
          return optionIndent + childIndent.slice(parentIndent.length);
        }
      }
    }
    return optionIndent + '    ';
  }

  private appendSection(profile: string): void {
    const header = this.kind === 'credentials' ? `[${profile}]` : profile === 'default' ? '[default]' : `[profile ${quoteProfileName(profile)}]`;
    let trailingBlanks = 0;
    for (let i = this.lines.length - 1; i >= 0 && !pyStrip(this.lines[i]!.text); i--) trailingBlanks++;
    const hasContent = this.lines.length > trailingBlanks;
    let separator = hasContent ? 1 : 0;
    const sections = [...this.structure.sections, ...this.structure.defaults].sort((a, b) => a.line - b.line);
    if (sections.length >= 2) {
      let i = sections[sections.length - 1]!.line - 1;
      while (i >= 0 && this.structure.kinds[i] === 'comment') i--;
      let blanks = 0;
      while (i >= 0 && this.structure.kinds[i] === 'blank') {
        blanks++;
        i--;
      }
      separator = blanks;
    }
    const texts = [...Array<string>(Math.max(0, separator - trailingBlanks)).fill(''), header];
    this.insertAfter(this.lines.length - 1, texts);
    this.rebuild();
  }

  setValue(profile: string, key: string, value: string): void {
    this.checkProfileName(profile);
    const { top, sub } = splitKey(key);
    checkKeyName(top, key, false);
    if (sub !== undefined) checkKeyName(sub, key, true);
    checkValue(value);
    this.checked(profile, key, () => {
      let section = this.section(profile);
      if (!section) {
        this.appendSection(profile);
        section = this.section(profile)!;
      }
      const entry = section.entries.find((e) => e.key === top.toLowerCase());
      if (sub === undefined) {
        if (entry) this.replaceEntryValue(entry, value);
        else {
          const { after, indent } = this.insertionPoint(section);
          this.insertAfter(after, [this.optionText(indent, top, value, this.style(section))]);
        }
        return;
      }
      if (!entry) {
        const { after, indent } = this.insertionPoint(section);
        const style = this.style(section);
        this.insertAfter(after, [
          this.optionText(indent, top, '', style),
          `${this.nestedIndent(indent)}${sub} = ${value}`,
        ]);
        return;
      }
      if (entry.value !== '' && !entry.value.startsWith('\n')) {
        throw badInput(`"${top}" in profile ${profile} holds a single value, not nested keys`, `set ${top} itself, or unset it first`);
      }
      const nestedLines = entry.continuationLines.filter((i) => this.nestedKey(i) !== undefined);
      const existing = nestedLines.filter((i) => this.nestedKey(i) === sub).pop();
      if (existing !== undefined) {
        const text = this.lines[existing]!.text;
        const eq = text.indexOf('=');
        const after = leadingSpace(text.slice(eq + 1) + 'x') || ' ';
        this.lines[existing]!.text = value ? text.slice(0, eq + 1) + after + value : text.slice(0, eq + 1);
        return;
      }
      const sample = nestedLines[0];
      const indent = sample !== undefined ? leadingSpace(this.lines[sample]!.text) : this.nestedIndent(leadingSpace(this.lines[entry.line]!.text));
      let spacing = { before: ' ', after: ' ' };
      if (sample !== undefined) {
        const text = this.lines[sample]!.text;
        const eq = text.indexOf('=');
        const left = text.slice(0, eq);
        spacing = { before: left.slice(pyRstrip(left).length), after: leadingSpace(text.slice(eq + 1) + 'x') };
      }
      this.insertAfter(entry.lastLine, [`${indent}${sub}${spacing.before}=${spacing.after}${value}`]);
    }, value);
  }

  /** The nested key a continuation line sets (botocore splits at the first =), if any. */
  private nestedKey(index: number): string | undefined {
    const stripped = pyStrip(this.lines[index]!.text);
    const eq = stripped.indexOf('=');
    return eq < 0 ? undefined : pyStrip(stripped.slice(0, eq));
  }

  private replaceEntryValue(entry: IniEntry, value: string): void {
    const line = this.lines[entry.line]!;
    const text = line.text;
    const at = text.search(/[=:]/);
    const rest = text.slice(at + 1);
    let after = leadingSpace(rest + 'x');
    if (!pyStrip(rest) && value) after = isPySpace(text[at - 1] ?? '') ? ' ' : '';
    line.text = value ? text.slice(0, at + 1) + after + value : text.slice(0, at + 1);
    this.removeLines(entry.continuationLines);
  }

  unsetValue(profile: string, key: string): void {
    const { top, sub } = splitKey(key);
    const section = this.section(profile);
    if (!section) return;
    this.checked(profile, key, () => {
      const entry = section.entries.find((e) => e.key === top.toLowerCase());
      if (entry && sub !== undefined) {
        if (!entry.value.startsWith('\n')) return;
        const remove = entry.continuationLines.filter((i) => this.nestedKey(i) === sub);
        if (remove.length === 0) return;
        if (remove.length < entry.continuationLines.length) {
          this.removeLines(remove);
          return;
        }
      }
      if (entry) this.removeLines(range(entry.line, entry.lastLine));
    }, undefined);
  }

  removeProfile(profile: string): void {
    const sections =
      this.kind === 'config'
        ? this.structure.sections.filter((s) => {
            const role = configSectionRole(s.name);
            return role?.kind === 'profile' && role.name === profile;
          })
        : this.structure.sections.filter((s) => s.name === profile);
    if (sections.length === 0) return;
    const removedNames = new Set(sections.map((s) => s.name));
    const before = rawSections(this.doc);
    const saved = this.lines.map((l) => ({ ...l }));
    for (const section of [...sections].reverse()) {
      const last = section.entries[section.entries.length - 1];
      const contentEnd = last ? last.lastLine : section.line;
      const remove = range(section.line, contentEnd);
      let next = contentEnd + 1;
      while (next < this.lines.length && this.structure.kinds[next] === 'blank') remove.push(next++);
      if (next >= this.lines.length) {
        for (let i = section.line - 1; i >= 0 && this.structure.kinds[i] === 'blank'; i--) remove.push(i);
      }
      this.removeLines(remove);
      this.rebuild();
    }
    const after = rawSections(this.doc);
    for (const name of removedNames) before.delete(name);
    if (!isDeepStrictEqual(before, after) || this.hasProfile(profile)) {
      this.lines = saved;
      this.rebuild();
      throw new UserError(`rolegate could not remove profile ${profile} without changing other profiles`, {
        next: 'edit the file by hand; it was left untouched',
      });
    }
  }

  /**
   * Runs an edit of one key and proves it: the file must parse as before, the key must read back
   * as intended, and every other value in the file must be unchanged. Otherwise the edit is undone.
   */
  private checked(profile: string, key: string, edit: () => void, expected: string | undefined): void {
    const saved = this.lines.map((l) => ({ ...l }));
    const sectionBefore = this.section(profile);
    const before = rawSections(this.doc);
    const fail = (why: string, cause?: unknown): never => {
      this.lines = saved;
      this.rebuild();
      if (cause instanceof UserError) throw cause;
      throw new UserError(`rolegate could not change ${key} of profile ${profile} safely (${why})`, {
        next: 'edit the file by hand; it was left untouched',
        cause,
      });
    };
    try {
      edit();
      this.rebuild();
      rawSections(this.doc);
    } catch (error) {
      fail('the result would not parse', error);
    }
    const got = this.getValue(profile, key);
    if (got !== expected) {
      if (expected === undefined && sectionBefore && this.inheritedFromDefault(sectionBefore, key)) {
        fail(`the value comes from the [${DEFAULT_SECTION}] section, which applies to every profile`);
      }
      fail('the value would not read back');
    }
    const after = rawSections(this.doc);
    const sectionName = this.section(profile)?.name;
    const { top, sub } = splitKey(key);
    for (const [name, values] of after) {
      if (name !== sectionName) {
        if (!before.has(name) || !isDeepStrictEqual(before.get(name), values)) fail(`section [${name}] would change`);
        continue;
      }
      const old = before.get(name);
      if (!old) continue; // a new section: only the edited key is ours to check
      if (!isDeepStrictEqual(withoutKey(old, top, sub), withoutKey(values, top, sub))) fail('other values would change');
    }
    for (const name of before.keys()) if (!after.has(name)) fail(`section [${name}] would disappear`);
  }

  private inheritedFromDefault(section: IniSection, key: string): boolean {
    const top = splitKey(key).top.toLowerCase();
    return !section.entries.some((e) => e.key === top) && this.structure.defaults.some((d) => d.entries.some((e) => e.key === top));
  }
}

function withoutKey(values: ProfileValues, top: string, sub: string | undefined): ProfileValues {
  const copy: ProfileValues = {};
  const lower = top.toLowerCase();
  for (const k of Object.keys(values)) {
    let v = getOwn(values, k)!;
    if (k === lower) {
      if (sub === undefined || typeof v !== 'object') continue;
      const nested: Record<string, string> = {};
      for (const nk of Object.keys(v)) if (nk !== sub) setOwn(nested, nk, getOwn(v, nk)!);
      if (Object.keys(nested).length === 0) continue;
      v = nested;
    }
    setOwn(copy, k, v);
  }
  return copy;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
