import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { venvBin } from '../../test/harness/paths.js';
import { runAnswering } from './runAnswering.js';

// Python's getpass, as the AWS CLI's role prompt uses it: with no terminal it reads stdin.
const ASKS_TWICE = `
import getpass
a = getpass.getpass("Enter MFA code for arn:aws:iam::123456789012:mfa/admin: ")
b = getpass.getpass("Enter MFA code for arn:aws:iam::123456789012:mfa/admin: ")
print(a + "," + b)
`;

test('runAnswering types a code at each prompt a peer prints, without a terminal, and counts the prompts', async () => {
  const codes = ['123456', '654321'];
  const ran = await runAnswering(join(venvBin, 'python'), ['-c', ASKS_TWICE], { env: process.env, prompt: /Enter MFA code for /g, code: async () => codes.shift()! });
  assert.equal(ran.ok, true, ran.stderr);
  assert.equal(ran.prompts, 2);
  assert.equal(ran.stdout.trim(), '123456,654321');
});

test('runAnswering ends a peer that waits for input it never gets, within the bound', async () => {
  const ran = await runAnswering(join(venvBin, 'python'), ['-c', 'input()'], { env: process.env, timeoutMs: 300 });
  assert.equal(ran.ok, false);
  assert.ok(ran.ms < 5000, `took ${ran.ms} ms`);
});
