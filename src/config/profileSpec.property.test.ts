// Property test: whatever a config holds around rolegate's keys (role_arn, source_profile chains,
// mfa_serial, durations, arbitrary values, damaged bytes), reading it for credential-process gives a
// credential spec or a UserError; never another error, never a hang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isUserError } from '../userError.js';
import { buildProfileMap, rawSections } from './profileMap.js';
import { parseSharedText } from './sharedFileText.js';
import { profileNames, type SharedProfiles } from './profiles.js';
import { describeProfile } from './profileSpec.js';

const RUNS = Number(process.env.ROLEGATE_PROPERTY_RUNS ?? 400);
const BOUND_MS = 2000;

const names = ['default', 'admin', 'a', 'b', 'x y', '__proto__', 'constructor'];
const keys = [
  'role_arn', 'rolegate_role_arn', 'source_profile', 'rolegate_source_profile', 'mfa_serial', 'mfa_process', 'duration_seconds',
  'rolegate_session_duration', 'rolegate_store', 'role_session_name', 'external_id', 'region', 'credential_process', '__proto__',
];
const value = fc.oneof(
  fc.constantFrom(...names),
  fc.constantFrom('arn:aws:iam::123456789012:role/admin', 'arn:aws:iam::123456789012:mfa/admin', '3600', '-1', '1e3', '99999999999999999999', ' ', 'file', 'keychain'),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' ')),
);
const section = fc.tuple(fc.constantFrom(...names), fc.boolean(), fc.uniqueArray(fc.tuple(fc.constantFrom(...keys), value), { selector: (e) => e[0], maxLength: 6 }));
const configText = fc
  .uniqueArray(section, { selector: (s) => `${s[0]}/${s[1]}`, maxLength: 5 })
  .map((sections) =>
    sections
      .map(([name, bare, entries]) => `${name === 'default' || bare ? `[${name}]` : `[profile ${name}]`}\n${entries.map(([k, v]) => `${k} = ${v}\n`).join('')}`)
      .join('\n'),
  );
const byteEdits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 });
const configBytes = fc.tuple(configText, byteEdits).map(([text, edits]) => {
  const bytes = Buffer.from(text, 'utf8');
  for (const [at, byte] of edits) if (bytes.length > 0) bytes[at % bytes.length] = byte;
  return bytes;
});

test('describeProfile for every profile of any config (rolegate keys, arbitrary values, damaged bytes): a spec or a UserError, within a bound', { timeout: 120_000 }, () => {
  const seen = { specs: 0, refused: 0 };
  fc.assert(
    fc.property(configBytes, configBytes, fc.constantFrom(...names, 'missing'), (config, credentials, asked) => {
      const started = performance.now();
      try {
        const configMap = buildProfileMap(rawSections(parseSharedText('/h/.aws/config', config)));
        const shared: SharedProfiles = { config: configMap.profiles, credentials: rawSections(parseSharedText('/h/.aws/credentials', credentials)) };
        for (const name of [...profileNames(shared), asked]) {
          try {
            const spec = describeProfile(shared, name);
            assert.equal(spec.profile, name);
            seen.specs++;
          } catch (error) {
            assert.ok(isUserError(error), `profile ${JSON.stringify(name)}: ${String((error as Error)?.stack ?? error)}`);
            seen.refused++;
          }
        }
      } catch (error) {
        assert.ok(isUserError(error), String((error as Error)?.stack ?? error));
      }
      assert.ok(performance.now() - started < BOUND_MS, `took ${performance.now() - started} ms`);
    }),
    { numRuns: RUNS, seed: 5 },
  );
  // both outcomes are reached (few configs name a complete chain)
  assert.ok(seen.specs >= RUNS / 20 && seen.refused >= RUNS / 4, JSON.stringify(seen));
});
