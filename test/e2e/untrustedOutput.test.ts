/**
 * What rolegate prints for a shell or a terminal, with hostile names and values: dotenv never
 * gains a line from a value (cached or not), PowerShell quoting holds against its four quote
 * characters, every next-step line quotes the names in it, and control characters in names are
 * escaped on the terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { run, runRolegate } from '../harness/run.js';
import { shortcutFile } from '../../src/cache/credentialProcessShortcut.cjs';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { useCredAccount, MFA_SERIAL, ROLE_ARN, type Account } from './credFixture.js';

const have = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

function setAdminRegion(text: string): void {
  const config = readFileSync(box.configFile, 'utf8').replace(/^region = .*\n/gm, '');
  writeFileSync(box.configFile, config.replace('[profile admin]\n', `[profile admin]\nregion = ${text}\n`));
}

test('dotenv: a region with a continuation line never becomes a variable of its own, on a cache hit or not', async () => {
  const warm = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(warm.code, 0, warm.stderr);
  // then the region changes: credential-process answers from the cache (no AWS call) and leaves
  // the note env's cache hit reads, with the region as the config now has it
  setAdminRegion('us-east-1\n  LD_PRELOAD=/tmp/evil.so');
  rmSync(shortcutFile('admin', box.env), { force: true });
  const again = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(readFileSync(shortcutFile('admin', box.env), 'utf8'), /LD_PRELOAD/, 'the note holds the region as written');
  assert.ok(existsSync(shortcutFile('admin', box.env)), 'the cache-hit note is there');
  for (const format of ['dotenv', 'json', 'bash']) {
    const result = await runRolegate(['env', 'admin', '--format', format], { env: box.env });
    assert.doesNotMatch(result.stdout, /^LD_PRELOAD=/m, format);
    assert.doesNotMatch(result.stdout, /\nLD_PRELOAD/, format);
    assert.equal(result.code, 2, `${format}: ${result.stderr}`);
    assert.match(stripVTControlCharacters(result.stderr), /AWS_REGION cannot be written safely/);
    assert.equal(result.stdout, '');
  }
  assert.equal(account.key.accessKeyId.length > 0, true);
});

const OSC52 = '\x1b]52;c;aGk=\x07';

test('profiles and error messages show control characters in names escaped, never raw', async () => {
  const name = `evil${OSC52}`;
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8') + `\n[profile "${name}"]\nregion = us-east-1\n`);
  const listed = await runRolegate(['profiles'], { env: box.env });
  assert.equal(listed.code, 0, listed.stderr);
  assert.doesNotMatch(listed.stdout, /[\x00-\x08\x0b-\x1f\x7f]/, 'no raw control character');
  assert.match(listed.stdout, /^evil\\x1b\]52;c;aGk=\\x07 /m);
  const json = await runRolegate(['profiles', '--json'], { env: box.env });
  assert.ok((JSON.parse(json.stdout) as Array<{ name: string }>).some((p) => p.name === name), 'JSON keeps the name as it is (escaped by JSON)');
  const refused = await runRolegate(['credential-process', name], { env: box.env });
  assert.notEqual(refused.code, 0);
  assert.doesNotMatch(refused.stderr, /[\x00-\x08\x0b-\x1f\x7f]/, 'no raw control character in the error');
  assert.match(refused.stderr, /evil\\x1b\]52/);
});

/** Runs `hint` in bash with a stand-in `rolegate` and `aws` that record each argument on a line. */
async function evaluateHint(hint: string): Promise<string[]> {
  const stub = `rolegate() { printf '%s\\n' rolegate "$@"; }; aws() { printf '%s\\n' aws "$@"; }; `;
  const result = await run('bash', ['--norc', '--noprofile', '-c', stub + hint], { env: box.env });
  assert.equal(result.code, 0, `${hint}: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

const nextLine = (stderr: string) => /^ {2}next: (.*)$/m.exec(stripVTControlCharacters(stderr))?.[1] ?? '';

test('next-step lines quote hostile profile names: pasted into a shell, they pass each name as one word and run nothing', async () => {
  const marker = join(box.home, 'ran');
  const name = `$(touch ${marker}) it's`;
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8') + `\n[profile "${name}"]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\n`);
  // config set with a bad value: the next step is the command to type
  const set = await runRolegate(['config', 'set', name, 'rolegate_role_chain', 'sometimes'], { env: box.env });
  assert.equal(set.code, 2, set.stderr);
  assert.deepEqual(await evaluateHint(nextLine(set.stderr)), ['rolegate', 'config', 'set', name, 'rolegate_role_chain', 'direct']);
  const chain = await runRolegate(['config', 'set', name, 'duration_seconds', 'x'], { env: box.env });
  assert.deepEqual(await evaluateHint(nextLine(chain.stderr)), ['rolegate', 'config', 'set', name, 'duration_seconds', '3600']);
  // exec with a stray option: the command meant
  const exec = await runRolegate(['exec', name, '--bogus', 'x'], { env: box.env });
  assert.equal(exec.code, 2, exec.stderr);
  assert.deepEqual(await evaluateHint(nextLine(exec.stderr)), ['rolegate', 'exec', name, '--', '--bogus', 'x']);
  assert.ok(!existsSync(marker), 'a hint ran the name');
});

test('import of a key without an MFA device: the setup and delete-access-key commands it suggests quote the profile', async () => {
  const name = `legacy;touch x`;
  writeFileSync(box.credentialsFile, `[${name}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`);
  const result = await runRolegate(['import', name, '--store', 'file'], { env: box.env });
  assert.notEqual(result.code, 0);
  const next = nextLine(result.stderr);
  assert.match(next, /rolegate setup --bootstrap-profile 'legacy;touch x'/);
  assert.match(next, /aws --profile 'legacy;touch x' iam delete-access-key/);
});

test('rolegate terraform escapes ${ and %{ in names and values: Terraform reads each back as written', { skip: !have('terraform') && 'terraform is not installed' }, async () => {
  const name = 'tf${path.cwd}%{if true}x%{endif}';
  const region = 'eu-west-1${file("/etc/hostname")}';
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8') + `\n[profile "${name}"]\nregion = ${region}\nmfa_serial = ${MFA_SERIAL}\n`);
  const result = await runRolegate(['terraform', name], { env: box.env });
  assert.equal(result.code, 0, result.stderr);
  const literals = [...result.stdout.matchAll(/^ {2}(region|profile) += (".*")$/gm)].map((m) => [m[1]!, m[2]!] as const);
  assert.equal(literals.length, 2, result.stdout);
  const dir = mkdtempSync(join(box.home, 'tf-'));
  for (const [key, literal] of literals) {
    const evaluated = await run('terraform', ['console'], { env: { ...box.env, TF_CLI_CONFIG_FILE: '/dev/null' }, input: `${literal}\n`, cwd: dir, timeoutMs: 60_000 });
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.equal(JSON.parse(evaluated.stdout.trim()), key === 'profile' ? name : region, key);
  }
});
