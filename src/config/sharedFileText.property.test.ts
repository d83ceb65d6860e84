// Property test: any bytes in a shared file (~/.aws/config or credentials) give either profiles or
// a UserError naming the file and a line of it (exit 2), quickly; never another error, never a hang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isUserError } from '../userError.js';
import { iniLikeText, validIniText } from '../../test/generators/iniArbitraries.js';
import { buildProfileMap, rawSections } from './profileMap.js';
import { parseSharedText } from './sharedFileText.js';

const RUNS = Number(process.env.ROLEGATE_PROPERTY_RUNS ?? 400);
/** Far above what any input here takes (a few ms): only a hang or a runaway backtrack reaches it. */
const BOUND_MS = 2000;
const PATH = '/home/someone/.aws/config';

/** Edits at the byte level: bytes replaced, inserted or removed (invalid UTF-8, NUL, lone CR...). */
const byteEdits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('replace', 'insert', 'delete')), { maxLength: 8 });

function applyEdits(bytes: Uint8Array, edits: Array<[number, number, string]>): Uint8Array {
  const out = [...bytes];
  for (const [at, byte, how] of edits) {
    const i = out.length === 0 ? 0 : at % (out.length + (how === 'insert' ? 1 : 0));
    if (how === 'insert') out.splice(i, 0, byte);
    else if (out.length > 0 && how === 'delete') out.splice(i, 1);
    else if (out.length > 0) out[i] = byte;
  }
  return Uint8Array.from(out);
}

/** Arbitrary bytes: random, and INI-like or valid text damaged byte by byte. */
export const sharedFileBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.tuple(fc.oneof(iniLikeText, validIniText), byteEdits).map(([text, edits]) => applyEdits(Buffer.from(text, 'utf8'), edits)),
  fc.tuple(fc.string({ unit: 'binary', maxLength: 200 }), byteEdits).map(([text, edits]) => applyEdits(Buffer.from(text, 'utf8'), edits)),
);

test('any bytes: parsed profiles, or a UserError (exit 2) naming the file and one of its lines; within a bound', { timeout: 120_000 }, () => {
  const seen = { parsed: 0, refused: 0 };
  fc.assert(
    fc.property(sharedFileBytes, (bytes) => {
      const started = performance.now();
      try {
        const doc = parseSharedText(PATH, bytes);
        buildProfileMap(rawSections(doc));
        seen.parsed++;
      } catch (error) {
        assert.ok(isUserError(error), `not a clean error: ${String((error as Error)?.stack ?? error)}`);
        assert.equal(error.exitCode, 2);
        const line = /^~?\/?[^\n]*config line (\d+): /.exec(error.message);
        assert.ok(line, `the message names the file and a line: ${error.message}`);
        const lines = Buffer.from(bytes).toString('latin1').split(/\r\n|\r|\n/).length;
        assert.ok(Number(line[1]) >= 1 && Number(line[1]) <= lines, `line ${line[1]} of ${lines}`);
        assert.ok(error.next, 'it says what to do next');
        seen.refused++;
      }
      assert.ok(performance.now() - started < BOUND_MS, `took ${performance.now() - started} ms`);
    }),
    { numRuns: RUNS * 3, seed: 11 },
  );
  // the generators reach both outcomes (else the property says little)
  assert.ok(seen.parsed > RUNS / 4 && seen.refused > RUNS / 4, JSON.stringify(seen));
});
