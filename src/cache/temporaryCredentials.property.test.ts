// Property test of the line credential-process prints: for any credentials rolegate can hold (any
// strings: quotes, control characters, line breaks, lone surrogates; any expiration up to what STS
// issues), one line of JSON, Version 1, the same values back, and botocore's own parsers read it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { venvBin } from '../../test/harness/paths.js';
import { credentialProcessLine, parseCredentials } from './temporaryCredentials.cjs';

const RUNS = Number(process.env.ROLEGATE_PROPERTY_RUNS ?? 400);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const field = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ unit: fc.oneof(loneSurrogate, fc.constantFrom('"', '\\', '\n', '\r', '\u2028', '\u0000', '}', 'a')), minLength: 1, maxLength: 12 }),
  fc.constantFrom('ASIAEXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'FwoGZXIvYXdzE'.repeat(30)),
);
const now = Date.now();
// from now to the longest STS issues (36 h), at any millisecond
const expiration = fc.integer({ min: 0, max: 36 * 3600_000 }).map((offset) => new Date(now + offset).toISOString());

const cases = fc.record({ AccessKeyId: field, SecretAccessKey: field, SessionToken: field, Expiration: expiration });

test('credential_process line for any credentials: one JSON line, Version 1, the same values back', () => {
  fc.assert(
    fc.property(cases, (raw) => {
      const credentials = parseCredentials(raw);
      assert.ok(credentials, 'well-formed credentials are accepted');
      const line = credentialProcessLine(credentials);
      assert.equal(line.indexOf('\n'), line.length - 1, 'exactly one line');
      const parsed = JSON.parse(line) as Record<string, unknown>;
      assert.deepEqual(Object.keys(parsed), ['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
      assert.equal(parsed.Version, 1);
      assert.equal(parsed.AccessKeyId, raw.AccessKeyId);
      assert.equal(parsed.SecretAccessKey, raw.SecretAccessKey);
      assert.equal(parsed.SessionToken, raw.SessionToken);
      assert.match(String(parsed.Expiration), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(Date.parse(String(parsed.Expiration)), Math.floor(Date.parse(raw.Expiration) / 1000) * 1000);
    }),
    { numRuns: RUNS * 2, seed: 9 },
  );
});

const python = join(venvBin, 'python');
test('botocore reads every such line: json.loads gives the same values and its date parser the same expiration', { skip: !existsSync(python) && 'no .venv with botocore' }, () => {
  const samples = fc.sample(cases, { numRuns: RUNS, seed: 10 });
  const lines = samples.map((raw) => credentialProcessLine(parseCredentials(raw)!));
  // botocore's ProcessProvider: json.loads of the whole output (one line each here, split on \n
  // only: JSON leaves U+2028 raw, which is legal), then dateutil's parse of Expiration
  const script = `
import sys, json
from botocore.compat import json as bjson
from dateutil.parser import parse
out = []
for line in sys.stdin.buffer.read().decode("utf-8").split("\\n")[:-1]:
    p = bjson.loads(line)
    out.append([p["Version"], p["AccessKeyId"], p["SecretAccessKey"], p["SessionToken"], int(parse(p["Expiration"]).timestamp())])
sys.stdout.write(json.dumps(out))
`;
  const result = spawnSync(python, ['-c', script], { input: lines.join(''), encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const read = JSON.parse(result.stdout) as Array<[number, string, string, string, number]>;
  assert.equal(read.length, samples.length, 'one record per line: no value broke a line');
  read.forEach(([version, id, secret, token, seconds], i) => {
    const raw = samples[i]!;
    assert.deepEqual([version, id, secret, token, seconds], [1, raw.AccessKeyId, raw.SecretAccessKey, raw.SessionToken, Math.floor(Date.parse(raw.Expiration) / 1000)]);
  });
});
