// fast-check generators of shared-file text, for the property tests and the botocore differential
// test. Not used at run time.
import fc from 'fast-check';

const ws = fc.constantFrom('', '', ' ', '  ', '\t', '\u00a0', '\u000c');
const eol = fc.constantFrom('\n', '\n', '\r\n', '\r');
const names = ['default', 'a', 'b', 'Admin', 'admin', 'my name', 'x"y', 'café'];
const keys = ['region', 'output', 'Region', 's3', 'aws_access_key_id', 'k', 'mfa_serial', 'a b'];
const values = ['', 'us-east-1', 'a=b', 'x:y', '# not a comment', 'v v', 'arn:aws:iam::123456789012:role/admin'];

const quoteName = (n: string) => (/^[A-Za-z0-9_-]+$/.test(n) ? n : `"${n.replace(/["\\]/g, (c) => '\\' + c)}"`);

const header = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...names).map((n) => (n === 'default' ? '[default]' : `[profile ${quoteName(n)}]`)) },
  { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => `[${n}]`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('[preview]', '[sso-session s]', '[services x]', '[DEFAULT]', '[profile]', '[ profile z ]', '[profile a b]', "[profile 'q']", '[profile "open]', '[default] # c'),
  },
);
const option = fc
  .tuple(fc.constantFrom(...keys), ws, fc.constantFrom('=', '=', ':'), ws, fc.constantFrom(...values), ws)
  .map((p) => p.join(''));
const nestedLine = fc
  .tuple(fc.constantFrom('  ', '    ', '\t'), fc.constantFrom('max', 'a', 'B', 'addressing_style'), fc.constantFrom(' = ', '=', ' ='), fc.constantFrom('1', 'path', '', 'x=y'))
  .map((p) => p.join(''));
const comment = fc.tuple(ws, fc.constantFrom('#', ';', '# [profile x]', '; k = v')).map((p) => p.join(''));

/** Text that is mostly INI-like, with junk, indentation, odd whitespace, BOMs and mixed line endings. */
export const iniLikeText: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constant('\ufeff') }),
    fc.array(
      fc.tuple(
        fc.oneof(
          { weight: 3, arbitrary: header },
          { weight: 1, arbitrary: fc.tuple(ws, header).map((p) => p.join('')) },
          { weight: 5, arbitrary: option },
          { weight: 1, arbitrary: fc.tuple(fc.constantFrom('  ', '\t'), option).map((p) => p.join('')) },
          { weight: 3, arbitrary: nestedLine },
          { weight: 2, arbitrary: comment },
          { weight: 2, arbitrary: ws },
          { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
          { weight: 1, arbitrary: fc.constantFrom('\ufeff', 'no delimiter', '= x', 'k\u2028 = 1', 'k = a\u001cb') },
        ),
        eol,
      ),
      { maxLength: 14 },
    ),
    fc.boolean(),
  )
  .map(([prefix, lines, finalEol]) => {
    let text = prefix + lines.map(([l, e]) => l + e).join('');
    if (!finalEol && lines.length > 0) text = text.slice(0, text.length - lines[lines.length - 1]![1].length);
    return text;
  });

/** Text botocore reads without error: unique sections, unique keys, consistent indentation. */
export const validIniText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(comment, { maxLength: 2 }),
    fc.uniqueArray(
      fc.record({
        header,
        indent: fc.constantFrom('', '', ' '),
        entries: fc.uniqueArray(
          fc.record({
            key: fc.constantFrom(...keys),
            line: fc.tuple(ws, fc.constantFrom('=', ':'), ws, fc.constantFrom(...values)).map(([a, d, b, v]) => ({ a, d, b, v })),
            nested: fc.option(fc.uniqueArray(fc.tuple(fc.constantFrom('max', 'a', 'B'), fc.constantFrom('1', 'path', 'x=y')), { selector: (t) => t[0], maxLength: 3 }), { freq: 4 }),
            after: fc.array(fc.oneof(comment, fc.constant('')), { maxLength: 1 }),
          }),
          { selector: (e) => e.key.toLowerCase(), maxLength: 4 },
        ),
        trailing: fc.array(fc.oneof(comment, fc.constant('')), { maxLength: 2 }),
      }),
      { selector: (s) => s.header.replace(/ #.*$/, ''), maxLength: 5 },
    ),
    eol,
    fc.boolean(),
  )
  .map(([leading, sections, newline, finalEol]) => {
    const lines: string[] = [...leading];
    for (const s of sections) {
      lines.push(s.header);
      for (const e of s.entries) {
        if (e.nested && e.nested.length > 0) {
          lines.push(`${s.indent}${e.key}${e.line.a}${e.line.d}`);
          for (const [k, v] of e.nested) lines.push(`${s.indent}  ${k} = ${v}`);
        } else {
          lines.push(`${s.indent}${e.key}${e.line.a}${e.line.d}${e.line.v ? e.line.b + e.line.v : ''}`);
        }
        lines.push(...e.after);
      }
      lines.push(...s.trailing);
    }
    const text = lines.join(newline);
    return finalEol && lines.length > 0 ? text + newline : text;
  });

/** Character-level noise over the characters that matter to the parser. */
export const iniNoiseText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('[', ']', '=', ':', ' ', '\t', '\n', '\n', '\r', '#', ';', '"', "'", '\\', '.') },
      { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'default', 'profile ', 'profile', 's3', 'DEFAULT', 'sso-session ', 'services ') },
      { weight: 1, arbitrary: fc.constantFrom('\u00a0', '\u000c', '\u000b', '\u001c', '\u0085', '\u2028', '\ufeff', '\r\n', 'É', 'ß') },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Section names for the shlex port: quotes, escapes and whitespace in every arrangement. */
export const sectionNameText: fc.Arbitrary<string> = fc
  .array(fc.constantFrom('profile', ' ', '\t', '"', "'", '\\', 'a', 'b c', ']', '#', '\u00a0', '\r'), { maxLength: 8 })
  .map((parts) => parts.join(''));
