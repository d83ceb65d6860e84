// The corpus in test/fixtures/config-corpus, read by rolegate and by botocore's own loader (one
// Python process for the whole corpus): the same profiles, the same values, the same refusals.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { profileNames, readSharedProfiles, resolveProfile, type SharedProfiles } from '../../src/config/profiles.js';
import { isUserError } from '../../src/userError.js';
import { projectRoot } from '../harness/paths.js';
import { run } from '../harness/run.js';
import { venvBin } from '../harness/paths.js';

const corpus = join(projectRoot, 'test', 'fixtures', 'config-corpus');
const cases = readdirSync(corpus).sort();
const MISSING_CONFIG = '/nonexistent/rolegate-config';
const MISSING_CREDENTIALS = '/nonexistent/rolegate-credentials';

interface BotocoreResult {
  error?: string;
  file?: 'config' | 'credentials';
  config?: [string, unknown][];
  ssoSessions?: [string, unknown][];
  services?: [string, unknown][];
  credentials?: [string, unknown][];
  session?: [string, unknown][];
}

function filesOf(name: string): { config: string; credentials: string } {
  const config = join(corpus, name, 'config');
  const credentials = join(corpus, name, 'credentials');
  return {
    config: existsSync(config) ? config : MISSING_CONFIG,
    credentials: existsSync(credentials) ? credentials : MISSING_CREDENTIALS,
  };
}

const entries = (map: Map<string, unknown> | undefined) => [...(map ?? new Map()).entries()];

describe('config corpus agrees with botocore', () => {
  let expected: BotocoreResult[] = [];
  before(async () => {
    const input = JSON.stringify(cases.map((name) => filesOf(name)));
    const result = await run(join(venvBin, 'python'), [join(projectRoot, 'test', 'harness', 'botocore_profiles.py')], {
      env: { PATH: process.env.PATH, HOME: '/nonexistent', LANG: 'C.UTF-8' },
      input,
    });
    assert.equal(result.code, 0, result.stderr);
    expected = JSON.parse(result.stdout) as BotocoreResult[];
  });

  test('the corpus is large enough', () => assert.ok(cases.length >= 30, `${cases.length} cases`));

  cases.forEach((name, index) => {
    test(name, async () => {
      const want = expected[index]!;
      const files = filesOf(name);
      const env = { HOME: '/nonexistent', AWS_CONFIG_FILE: files.config, AWS_SHARED_CREDENTIALS_FILE: files.credentials };
      let shared: SharedProfiles;
      try {
        shared = await readSharedProfiles(env);
      } catch (error) {
        assert.ok(isUserError(error), `unexpected error ${String(error)}`);
        assert.ok(want.error, `rolegate refused a file botocore reads: ${error.message}`);
        assert.match(error.message, new RegExp(`${want.file} line \\d+`));
        return;
      }
      assert.equal(want.error, undefined, `botocore refuses the ${want.file} file; rolegate read it`);
      assert.deepStrictEqual(entries(shared.config), want.config);
      assert.deepStrictEqual(entries(shared.ssoSessions), want.ssoSessions);
      assert.deepStrictEqual(entries(shared.services), want.services);
      assert.deepStrictEqual(entries(shared.credentials), want.credentials);
      const session = profileNames(shared).map((profile) => [profile, resolveProfile(shared, profile)]);
      assert.deepStrictEqual(session, want.session);
    });
  });
});
