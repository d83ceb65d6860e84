// Property test: any bytes in a cache file (rolegate's session/role entries, the AWS CLI's
// assume-role cache, credential-process's shortcut note and the entry it names) are read as fresh
// usable credentials or set aside with a warning: never an exception, never a hang, never a secret
// in a warning, and whatever is served makes a credential_process line the AWS contract accepts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { sessionCacheFile } from '../files/rolegatePaths.cjs';
import { readAwsCliCache } from './awsCliCache.js';
import { readShortcut, shortcutFile } from './credentialProcessShortcut.cjs';
import { readSessionEntryFile } from './sessionCache.js';
import { credentialProcessLine, isFresh, type TemporaryCredentials } from './temporaryCredentials.cjs';

/** The longest STS issues (GetSessionToken, 36 h), with 5 minutes of clock skew. */
const MAX_ISSUED_MS = 36 * 3600_000 + 5 * 60_000;
const RUNS = Number(process.env.ROLEGATE_PROPERTY_RUNS ?? 400);
const BOUND_MS = 2000;
const SECRET = 'SECRETaccessKEY0123456789abcdefSECRET';
const TOKEN = 'SESSIONtoken0123456789TOKEN';

const home = mkdtempSync(join(tmpdir(), 'rolegate-cache-property-'));
after(() => rmSync(home, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = { HOME: home, XDG_CACHE_HOME: join(home, 'cache') };

const now = Date.now();
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const expiration = fc.oneof(
  fc.integer({ min: -2 * 86400_000, max: 40 * 3600_000 }).map((offset) => isoSeconds(now + offset)),
  fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'not a date' : d.toISOString())),
  fc.constantFrom('', '2026-13-45T99:99:99Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', 'Tue, 01 Jan 2030 00:00:00 GMT', '2030'),
  fc.anything(),
);
const maybe = <T>(good: T) => fc.oneof({ weight: 4, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: fc.anything() }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) });
const credentials = fc.record(
  { AccessKeyId: maybe('ASIAPROPERTYTEST'), SecretAccessKey: maybe(SECRET), SessionToken: maybe(TOKEN), Expiration: expiration },
  { requiredKeys: [] },
);
const entry = fc.record(
  {
    version: maybe(1),
    kind: fc.constantFrom('session', 'role', 'other'),
    profile: maybe('admin'),
    mfaSerial: maybe('arn:aws:iam::123456789012:mfa/admin'),
    durationSeconds: maybe(3600),
    createdAt: fc.oneof(fc.integer({ min: -40 * 3600_000, max: 3600_000 }).map((offset) => new Date(now + offset).toISOString()), fc.anything()),
    Credentials: fc.oneof({ weight: 5, arbitrary: credentials }, { weight: 1, arbitrary: fc.anything() }),
  },
  { requiredKeys: [] },
);
/** A well-formed entry that is fresh or not (to reach the serving path often). */
const wellFormedEntry = fc.integer({ min: -3600_000, max: 12 * 3600_000 }).map((offset) =>
  Buffer.from(
    JSON.stringify({
      version: 1,
      kind: 'role',
      profile: 'admin',
      mfaSerial: 'arn:aws:iam::123456789012:mfa/admin',
      createdAt: new Date(now - 60_000).toISOString(),
      Credentials: { AccessKeyId: 'ASIAPROPERTYTEST', SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: isoSeconds(now + offset) },
    }),
  ),
);
const byteEdits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 });
/** Entry-like JSON (sometimes damaged byte by byte), well-formed entries, or any bytes at all. */
const cacheBytes = fc.oneof(
  { weight: 2, arbitrary: wellFormedEntry },
  { weight: 4, arbitrary: entry.map((e) => Buffer.from(JSON.stringify(e))) },
  { weight: 2, arbitrary: fc.tuple(entry, byteEdits).map(([e, edits]) => {
      const bytes = Buffer.from(JSON.stringify(e));
      for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
      return bytes;
    }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from(''), Buffer.from('null'), Buffer.from('[]'), Buffer.from('{"Credentials":null}'), Buffer.from('"x"')) },
);

function plant(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, bytes, { mode: 0o600 });
}

/**
 * What a reader returns: non-empty strings and a real date; and when fresh (what credential-process
 * would print), a line the AWS contract accepts.
 */
function assertServable(served: TemporaryCredentials): void {
  for (const field of [served.accessKeyId, served.secretAccessKey, served.sessionToken]) assert.ok(typeof field === 'string' && field !== '');
  assert.ok(!Number.isNaN(served.expiration.getTime()));
  if (!isFresh(served.expiration)) return;
  // past what STS issues (checked by its own test below): not this property's business
  if (served.expiration.getTime() - Date.now() > MAX_ISSUED_MS) return;
  const line = credentialProcessLine(served);
  assert.ok(line.endsWith('\n') && line.indexOf('\n') === line.length - 1, 'one line');
  const parsed = JSON.parse(line) as Record<string, unknown>;
  assert.equal(parsed.Version, 1);
  assert.equal(parsed.SecretAccessKey, served.secretAccessKey);
  assert.match(String(parsed.Expiration), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'Expiration in the ISO 8601 form botocore parses');
}

function timed<T>(what: () => T): T {
  const started = performance.now();
  const result = what();
  assert.ok(performance.now() - started < BOUND_MS, `took ${performance.now() - started} ms`);
  return result;
}

function assertCleanWarning(warning: string | undefined): void {
  if (warning === undefined) return;
  assert.equal(typeof warning, 'string');
  assert.ok(!warning.includes(SECRET) && !warning.includes(TOKEN), `a secret in the warning: ${warning}`);
}

test('rolegate session/role entry with any bytes: an entry that can be served, or a warning without secrets, within a bound', { timeout: 120_000 }, async () => {
  const path = sessionCacheFile('role-admin', env);
  const seen = { entries: 0, warnings: 0 };
  await fc.assert(
    fc.asyncProperty(cacheBytes, async (bytes) => {
      plant(path, bytes);
      const started = performance.now();
      const read = await readSessionEntryFile(path);
      assert.ok(performance.now() - started < BOUND_MS);
      assertCleanWarning(read.warning);
      if (read.entry) {
        assertServable(read.entry.credentials);
        seen.entries++;
      } else {
        assert.ok(read.warning, 'a file that is there and not used is reported');
        seen.warnings++;
      }
    }),
    { numRuns: RUNS, seed: 3 },
  );
  assert.ok(seen.entries >= RUNS / 20 && seen.warnings >= RUNS / 4, JSON.stringify(seen));
});

test('AWS CLI assume-role cache entry with any bytes: credentials that can be served, or a warning without secrets, within a bound', { timeout: 120_000 }, async () => {
  const path = join(home, '.aws', 'cli', 'cache', '0123456789abcdef0123456789abcdef01234567.json');
  const seen = { served: 0, warnings: 0 };
  await fc.assert(
    fc.asyncProperty(cacheBytes, async (bytes) => {
      plant(path, bytes);
      const started = performance.now();
      const read = await readAwsCliCache(path);
      assert.ok(performance.now() - started < BOUND_MS);
      assertCleanWarning(read.warning);
      if (read.credentials) {
        assertServable(read.credentials);
        seen.served++;
      } else {
        assert.ok(read.warning);
        seen.warnings++;
      }
    }),
    { numRuns: RUNS, seed: 4 },
  );
  assert.ok(seen.served >= RUNS / 20 && seen.warnings >= RUNS / 4, JSON.stringify(seen));
});

test("credential-process's shortcut with any bytes in the note or in the entry it names: fresh servable credentials or the full path, never an exception, within a bound", { timeout: 120_000 }, () => {
  const profile = 'admin';
  const note = shortcutFile(profile, env);
  const entryPath = sessionCacheFile('role-admin', env);
  const validNote = (accessKeyId: string) =>
    Buffer.from(
      JSON.stringify({
        version: 1,
        profile,
        env: { HOME: home, AWS_CONFIG_FILE: null, AWS_SHARED_CREDENTIALS_FILE: null, XDG_CACHE_HOME: env.XDG_CACHE_HOME },
        files: [],
        cacheFile: entryPath,
        accessKeyId,
      }),
    );
  const noteBytes = fc.oneof({ weight: 3, arbitrary: fc.constant(validNote('ASIAPROPERTYTEST')) }, { weight: 1, arbitrary: cacheBytes });
  const seen = { served: 0, fullPath: 0 };
  fc.assert(
    fc.property(noteBytes, cacheBytes, (noteText, entryText) => {
      plant(note, noteText);
      plant(entryPath, entryText);
      const served = timed(() => readShortcut(profile, env));
      if (served) {
        assertServable(served);
        assert.ok(served.expiration.getTime() - Date.now() > 10 * 60_000, 'only fresh credentials');
        seen.served++;
      } else seen.fullPath++;
    }),
    { numRuns: RUNS, seed: 8 },
  );
  assert.ok(seen.served >= RUNS / 20 && seen.fullPath >= RUNS / 4, JSON.stringify(seen));
});

// An entry claiming to last longer than STS ever issues is damaged or planted. On main it is served:
// for ever, and with an Expiration (+010000-01-01T00:00:00Z) that botocore's date parser refuses, so
// every AWS CLI call of the profile fails. The lifetime bound on the `hostile` branch refuses it.
test('an entry expiring in the year 10000 is not served by any cache reader', async () => {
  const farFuture = {
    version: 1,
    kind: 'role',
    profile: 'admin',
    mfaSerial: 'arn:aws:iam::123456789012:mfa/admin',
    createdAt: new Date(now - 60_000).toISOString(),
    Credentials: { AccessKeyId: 'ASIAPROPERTYTEST', SecretAccessKey: SECRET, SessionToken: TOKEN, Expiration: '+010000-01-01T00:00:00Z' },
  };
  const entryPath = sessionCacheFile('role-admin', env);
  plant(entryPath, Buffer.from(JSON.stringify(farFuture)));
  assert.equal((await readSessionEntryFile(entryPath)).entry, undefined, "rolegate's cache");
  const cliPath = join(home, '.aws', 'cli', 'cache', 'far-future.json');
  plant(cliPath, Buffer.from(JSON.stringify({ Credentials: farFuture.Credentials })));
  assert.equal((await readAwsCliCache(cliPath)).credentials, undefined, "the AWS CLI's cache");
  plant(
    shortcutFile('admin', env),
    Buffer.from(JSON.stringify({ version: 1, profile: 'admin', env: { HOME: home, AWS_CONFIG_FILE: null, AWS_SHARED_CREDENTIALS_FILE: null, XDG_CACHE_HOME: env.XDG_CACHE_HOME }, files: [], cacheFile: entryPath, accessKeyId: 'ASIAPROPERTYTEST' })),
  );
  assert.equal(readShortcut('admin', env), undefined, "credential-process's shortcut");
});
