/**
 * Every fix `rolegate audit --local` suggests, pasted into a shell as printed, with hostile values
 * in profile names, in config values and in the paths it names: the fix runs, and nothing else
 * does. `aws` and `rolegate` are stand-ins on PATH that record their argv (the fixes would change
 * real keys); chmod, rm and perl run for real, on the sandbox's files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { makeExecutable } from './credFixture.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ID = 'AKIAIOSFODNN7EXAMPLE';
/** Each tries to create a file named `pwned` (in the shell's folder) when it is not quoted. */
const HOSTILE = ['$(touch${IFS}pwned)', '`touch pwned`', 'x;touch pwned;', "it's \"quoted\" $(touch pwned)", 'a|touch pwned', '&& touch pwned'];

function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p.split('/').pop() === name);
}

test('each suggested fix, pasted into sh with hostile values, runs itself and nothing else', async () => {
  const box = makeSandbox();
  try {
    // a home whose path itself is hostile, with a newline in it
    const home = join(box.home, 'home $(touch${IFS}pwned) `touch pwned`;\nx');
    mkdirSync(join(home, '.aws'), { recursive: true });
    const configFile = join(home, '.aws', 'config');
    const credentialsFile = join(home, '.aws', 'credentials');
    const roles = HOSTILE.map((value, i) => `[profile admin${i}]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = src${i}\n\n[profile src${i}]\nmfa_serial = ${value}\n`);
    const hostileRole = `[profile ${HOSTILE[0]}admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = src0\n`;
    writeFileSync(configFile, roles.join('\n') + '\n' + hostileRole, { mode: 0o600 });
    const keys = HOSTILE.map((name) => `[${name}]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`);
    writeFileSync(credentialsFile, keys.join('\n'), { mode: 0o644 });
    chmodSync(credentialsFile, 0o644);
    writeFileSync(credentialsFile + '.rolegate.bak', keys[0]!, { mode: 0o644 });
    chmodSync(credentialsFile + '.rolegate.bak', 0o644);
    const histfile = join(home, 'hist $(touch${IFS}pwned)');
    writeFileSync(histfile, `ls\nexport AWS_SECRET_ACCESS_KEY=${SECRET}\n`, { mode: 0o600 });
    const cache = join(home, '.aws', 'cli', 'cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, '`touch pwned`.json'), JSON.stringify({ Credentials: { Expiration: '2020-01-01T00:00:00Z' } }), { mode: 0o600 });

    const env = { ...box.env, HOME: home, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, HISTFILE: histfile };
    const result = await runRolegate(['audit', '--local', '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    const findings = (JSON.parse(result.stdout) as { findings: Array<{ id: string; fix: string; where: string }> }).findings;
    const ids = new Set(findings.map((f) => f.id));
    for (const id of ['local.admin-role-without-mfa', 'local.plaintext-key', 'local.file-permissions', 'local.secret-in-shell-file', 'local.expired-cache-entry']) {
      assert.ok(ids.has(id), `the audit suggests a fix for ${id}`);
    }

    // stand-ins for aws and rolegate that record their arguments, one JSON line per call
    const bin = join(box.home, 'bin');
    mkdirSync(bin);
    const log = join(box.home, 'argv.log');
    const recorder = join(box.home, 'record.cjs');
    writeFileSync(recorder, `require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');`);
    for (const name of ['aws', 'rolegate']) makeExecutable(join(bin, name), `#!/bin/sh\nexec '${process.execPath}' '${recorder}' ${name} "$@"\n`);
    const shellDir = join(box.home, 'shell');
    mkdirSync(shellDir);

    for (const finding of findings) {
      const ran = spawnSync('sh', ['-c', finding.fix], { cwd: shellDir, env: { ...env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8', timeout: 10_000 });
      assert.equal(ran.status, 0, `${finding.id}: ${finding.fix}\n${ran.stderr}`);
    }
    assert.deepEqual(filesNamed(box.home, 'pwned'), [], 'no hostile value ran');

    const calls = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
    for (const [i, value] of HOSTILE.entries()) {
      assert.ok(
        calls.some((argv) => JSON.stringify(argv) === JSON.stringify(['aws', 'configure', 'set', 'mfa_serial', value, '--profile', `admin${i}`])),
        `the mfa_serial fix passes ${value} as one word`,
      );
      // a key without an MFA device is replaced by setup; one with a device is imported
      assert.ok(
        calls.some((argv) => [['rolegate', 'import', value, '--store', 'keychain'], ['rolegate', 'setup', '--bootstrap-profile', value]].some((want) => JSON.stringify(argv) === JSON.stringify(want))),
        `the plaintext-key fix names the profile ${value} as one word`,
      );
    }
    assert.ok(calls.some((argv) => argv.includes(`${HOSTILE[0]}admin`)), 'a hostile profile name is passed as one word');
    // the real commands did their work on the hostile paths
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    assert.equal(existsSync(credentialsFile + '.rolegate.bak'), false);
    assert.equal(readFileSync(histfile, 'utf8'), 'ls\n\n');
    assert.deepEqual(readdirSync(cache), []);
  } finally {
    box.cleanup();
  }
});
