// Generated files (fast-check, fixed seed) read by rolegate and by botocore's own loader in one
// Python process: same profiles and values, and the same files refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { iniLikeText, iniNoiseText, sectionNameText, validIniText } from '../generators/iniArbitraries.js';
import { shlexSplit } from '../../src/config/shlexSplit.js';
import { profileNames, readSharedProfiles, resolveProfile } from '../../src/config/profiles.js';
import { isUserError } from '../../src/userError.js';
import { projectRoot, venvBin } from '../harness/paths.js';
import { run } from '../harness/run.js';

interface Pair {
  config: string;
  credentials: string;
}

describe('generated files agree with botocore', () => {
  let dir: string;
  const pairs: Pair[] = [];
  let expected: Array<Record<string, unknown>> = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-differential-'));
    const configs = [
      ...fc.sample(iniLikeText, { numRuns: 250, seed: 42 }),
      ...fc.sample(validIniText, { numRuns: 150, seed: 43 }),
      ...fc.sample(iniNoiseText.map((t) => '[default]\n' + t), { numRuns: 200, seed: 46 }),
    ];
    const credentials = [
      ...fc.sample(validIniText, { numRuns: 250, seed: 44 }),
      ...fc.sample(iniLikeText, { numRuns: 150, seed: 45 }),
      ...fc.sample(iniNoiseText, { numRuns: 200, seed: 47 }),
    ];
    configs.forEach((text, i) => {
      const pair = { config: join(dir, `${i}.config`), credentials: join(dir, `${i}.credentials`) };
      writeFileSync(pair.config, text);
      writeFileSync(pair.credentials, credentials[i]!);
      pairs.push(pair);
    });
    const result = await run(join(venvBin, 'python'), [join(projectRoot, 'test', 'harness', 'botocore_profiles.py')], {
      env: { PATH: process.env.PATH, HOME: '/nonexistent', LANG: 'C.UTF-8' },
      input: JSON.stringify(pairs),
    });
    assert.equal(result.code, 0, result.stderr);
    expected = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('600 generated pairs read the same', async () => {
    let refused = 0;
    for (const [i, pair] of pairs.entries()) {
      const want = expected[i]!;
      const env = { HOME: '/nonexistent', AWS_CONFIG_FILE: pair.config, AWS_SHARED_CREDENTIALS_FILE: pair.credentials };
      const label = `pair ${i}: ${JSON.stringify(pair)}`;
      let shared;
      try {
        shared = await readSharedProfiles(env);
      } catch (error) {
        assert.ok(isUserError(error), `${label}: ${String(error)}`);
        assert.ok(want.error, `${label}: rolegate refused what botocore reads: ${error.message}`);
        assert.match(error.message, new RegExp(`${String(want.file)} line \\d+`), label);
        refused++;
        continue;
      }
      assert.equal(want.error, undefined, `${label}: botocore refuses the ${String(want.file)} file`);
      assert.deepStrictEqual([...shared.config.entries()], want.config, label);
      assert.deepStrictEqual([...shared.credentials.entries()], want.credentials, label);
      assert.deepStrictEqual([...(shared.ssoSessions ?? []).entries()], want.ssoSessions, label);
      assert.deepStrictEqual([...(shared.services ?? []).entries()], want.services, label);
      assert.deepStrictEqual(profileNames(shared).map((p) => [p, resolveProfile(shared, p)]), want.session, label);
    }
    // both kinds of outcome must be exercised, or the test proves little
    assert.ok(refused > 100 && refused < 500, `${refused} refused`);
  });

  test('section names split like Python shlex.split', async () => {
    const names = fc.sample(sectionNameText, { numRuns: 500, seed: 48 });
    const code = 'import json, shlex, sys\nout = []\nfor s in json.load(sys.stdin):\n    try:\n        out.append(shlex.split(s))\n    except ValueError:\n        out.append(None)\nprint(json.dumps(out))';
    const result = await run(join(venvBin, 'python'), ['-c', code], { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, input: JSON.stringify(names) });
    assert.equal(result.code, 0, result.stderr);
    const expectedSplits = JSON.parse(result.stdout) as (string[] | null)[];
    names.forEach((name, i) => {
      let got: string[] | null;
      try {
        got = shlexSplit(name);
      } catch {
        got = null;
      }
      assert.deepStrictEqual(got, expectedSplits[i], JSON.stringify(name));
    });
    assert.ok(expectedSplits.filter((x) => x === null).length > 20, 'errors are exercised too');
  });
});
