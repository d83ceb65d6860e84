// Test support: which lines an edit of one key may touch, and a check that nothing else changed.
// Used by the property tests and the end-to-end tests; not used at run time.
import assert from 'node:assert/strict';
import { parseIni, splitLines, type IniLine } from '../../src/config/iniDocument.js';
import { configProfileSection } from '../../src/config/profileMap.js';
import { splitKey, type SharedFileKind } from '../../src/config/profileDocument.js';

/** The line indices that hold `key` of `profile` (the entry, or for KEY.SUB the nested line). */
export function keyLines(kind: SharedFileKind, text: string, profile: string, key: string): Set<number> {
  const doc = parseIni(text);
  const section = kind === 'config' ? configProfileSection(doc, profile) : doc.structure.sections.find((s) => s.name === profile);
  const out = new Set<number>();
  if (!section) return out;
  const { top, sub } = splitKey(key);
  const entry = section.entries.find((e) => e.key === top.toLowerCase());
  if (!entry) return out;
  const span = () => {
    for (let i = entry.line; i <= entry.lastLine; i++) out.add(i);
  };
  if (sub === undefined) {
    span();
    return out;
  }
  const nestedKeyOf = (i: number) => {
    const t = doc.lines[i]!.text.trim();
    return t.includes('=') ? t.slice(0, t.indexOf('=')).trim() : undefined;
  };
  const others = entry.continuationLines.filter((i) => nestedKeyOf(i) !== sub);
  if (others.length === 0) span();
  else for (const i of entry.continuationLines) if (nestedKeyOf(i) === sub) out.add(i);
  return out;
}

/** The two texts are equal once the allowed lines are taken out (the final line's ending may change). */
export function assertOnlyChanged(before: string, after: string, removedOk: Set<number>, addedOk: Set<number>): void {
  const keep = (lines: IniLine[], allowed: Set<number>) => lines.filter((_, i) => !allowed.has(i));
  const a = keep(splitLines(before), removedOk);
  const b = keep(splitLines(after), addedOk);
  assert.equal(a.length, b.length, `line counts differ:\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
  a.forEach((line, i) => {
    const other = b[i]!;
    assert.equal(other.text, line.text, `line text changed:\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
    if (i < a.length - 1) assert.equal(other.eol, line.eol, `line ending changed:\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
  });
}

