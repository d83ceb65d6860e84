// Property tests: parsing keeps every byte, and an edit changes only the lines of what it edits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isUserError } from '../userError.js';
import { iniLikeText, validIniText } from '../../test/generators/iniArbitraries.js';
import { assertOnlyChanged, keyLines } from '../../test/generators/editLocality.js';
import { IniParseError, parseIni, serializeIni, splitLines } from './iniDocument.js';
import { configSectionRole, rawSections } from './profileMap.js';
import { SharedFileDocument, type SharedFileKind } from './profileDocument.js';

const RUNS = Number(process.env.ROLEGATE_PROPERTY_RUNS ?? 400);

test('serialize(parse(x)) === x for any text that parses; anything else throws IniParseError', () => {
  const anyText = fc.oneof(iniLikeText, validIniText, fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }));
  fc.assert(
    fc.property(anyText, (text) => {
      let doc;
      try {
        doc = parseIni(text);
        rawSections(doc);
      } catch (error) {
        assert.ok(error instanceof IniParseError, String(error));
        assert.ok(error.line >= 1 && error.line <= Math.max(1, splitLines(text).length));
        return;
      }
      assert.equal(serializeIni(doc), text);
    }),
    { numRuns: RUNS * 3, seed: 7 },
  );
});

const profileArb = fc.constantFrom('default', 'a', 'b', 'Admin', 'my name', 'fresh', 'x"y');
const keyArb = fc.constantFrom('region', 'Region', 'output', 's3', 's3.max', 's3.a', 's3.new', 'k', 'newkey', 'aws_access_key_id');
const valueArb = fc.constantFrom('us-west-2', 'x=y', 'arn:aws:iam::123456789012:mfa/admin', '');
const kindArb = fc.constantFrom<SharedFileKind>('config', 'credentials');

const outcomes = { tried: 0, refused: 0 };
test('set and unset change only the lines of the edited key; everything else reads the same', () => {
  fc.assert(
    fc.property(validIniText, kindArb, profileArb, keyArb, valueArb, fc.boolean(), (text, kind, profile, key, value, unset) => {
      outcomes.tried++;
      const doc = new SharedFileDocument(kind, text);
      const existed = doc.hasProfile(profile);
      try {
        if (unset) doc.unsetValue(profile, key);
        else doc.setValue(profile, key, value);
      } catch (error) {
        assert.ok(isUserError(error), String(error));
        assert.equal(doc.text(), text, 'a refused edit must leave the text alone');
        outcomes.refused++;
        return;
      }
      const after = doc.text();
      assert.equal(new SharedFileDocument(kind, after).getValue(profile, key), unset ? undefined : value);
      if (!unset && !existed) {
        // a new section: the old text is kept, and everything added is blank lines, the header and the key
        const added = new Set<number>();
        for (let i = splitLines(text).length; i < splitLines(after).length; i++) added.add(i);
        assertOnlyChanged(text, after, new Set(), added);
        const parsed = parseIni(after);
        for (const i of added) assert.ok(['blank', 'section', 'option', 'continuation'].includes(parsed.structure.kinds[i]!));
        return;
      }
      assertOnlyChanged(text, after, keyLines(kind, text, profile, key), keyLines(kind, after, profile, key));
    }),
    { numRuns: RUNS, seed: 11 },
  );
  assert.ok(outcomes.refused < outcomes.tried / 5, `${outcomes.refused} of ${outcomes.tried} edits refused`);
});

test('removing a profile removes its section lines and blank separators only', () => {
  fc.assert(
    fc.property(validIniText, kindArb, profileArb, (text, kind, profile) => {
      const doc = new SharedFileDocument(kind, text);
      const parsed = parseIni(text);
      const sections = parsed.structure.sections.filter((s) =>
        kind === 'config' ? configSectionRole(s.name)?.kind === 'profile' && configSectionRole(s.name)?.name === profile : s.name === profile,
      );
      doc.removeProfile(profile);
      const after = doc.text();
      assert.equal(new SharedFileDocument(kind, after).hasProfile(profile), false);
      const allowed = new Set<number>();
      parsed.structure.kinds.forEach((k, i) => {
        if (k === 'blank') allowed.add(i);
      });
      for (const s of sections) {
        const last = s.entries[s.entries.length - 1];
        for (let i = s.line; i <= (last ? last.lastLine : s.line); i++) allowed.add(i);
      }
      // every line that is neither blank nor inside a removed section stays, in order
      const kept = splitLines(text).filter((_, i) => !allowed.has(i)).map((l) => l.text);
      const afterKinds = parseIni(after).structure.kinds;
      const nonBlank = splitLines(after).filter((_, i) => afterKinds[i] !== 'blank').map((l) => l.text);
      assert.deepEqual(nonBlank, kept);
    }),
    { numRuns: RUNS, seed: 13 },
  );
});
