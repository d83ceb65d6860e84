// import in the life cycle: setup (plain), import into the file store, teardown: the files return
// to what they held before setup, byte for byte. A key without an MFA device is refused with the
// step that works, and audit suggests that step too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { run, runRolegate, type RunResult } from '../harness/run.js';
import { rolegateBin, venvBin } from '../harness/paths.js';
import { accountListing, BOOTSTRAP_CREDENTIALS, fileBytes, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();
const out = (r: RunResult) => r.stdout + r.stderr;

test('setup --store plain, import into the file store, teardown: files byte for byte as before setup, the user\'s later edit kept', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  try {
    const config = '# mine\n[profile work]\nregion = ap-south-1\n';
    writeFileSync(box.configFile, config);
    const credentials = fileBytes(box.credentialsFile);
    const listing = await accountListing(box);
    assert.equal((await setup(box)).code, 0);
    const imported = await runRolegate(['import', 'default', '--store', 'file'], { env: box.env });
    assert.equal(imported.code, 0, out(imported));
    assert.match(fileBytes(box.configFile) ?? '', /rolegate_store = file/);
    // the person's own edit after setup, in a profile of their own
    writeFileSync(box.configFile, (fileBytes(box.configFile) ?? '').replace('region = ap-south-1', 'region = ap-south-2'));

    const removed = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes'], { env: box.env });
    assert.equal(removed.code, 0, out(removed));
    assert.match(removed.stdout, /stored key of profile default \(file store\)/, 'the store is read from the profile');
    assert.match(removed.stdout, /Teardown complete/);
    assert.equal(fileBytes(box.configFile), config.replace('ap-south-1', 'ap-south-2'));
    assert.equal(fileBytes(box.credentialsFile), credentials);
    assert.equal(existsSync(join(box.home, '.config', 'rolegate', 'keys.enc')), false);
    assert.deepEqual(await accountListing(box), listing);

    // a second teardown finds nothing, and guesses no store
    const again = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes'], { env: box.env });
    assert.equal(again.code, 0, out(again));
    assert.match(again.stdout, /Nothing to remove/);
  } finally {
    box.cleanup();
  }
});

test('a long-term key without mfa_serial: import refuses with the step that works, and audit suggests that step', async () => {
  const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
  try {
    const before = { config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile) };
    const r = await runRolegate(['import', 'bootstrap', '--store', 'file'], { env: box.env });
    assert.equal(r.code, 2, out(r));
    assert.match(r.stderr, /profile bootstrap has no mfa_serial/);
    assert.match(r.stderr, /rolegate setup --bootstrap-profile bootstrap, then delete this key: aws --profile bootstrap iam delete-access-key --access-key-id AKIAIOSFODNN7EXAMPLE/);
    assert.deepEqual({ config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile) }, before);
    assert.equal(existsSync(join(box.home, '.config', 'rolegate', 'keys.enc')), false);

    const audit = await runRolegate(['audit', '--local', '--json'], { env: box.env });
    const findings = (JSON.parse(audit.stdout) as { findings: { id: string; fix?: string }[] }).findings;
    const plaintext = findings.find((f) => f.id === 'local.plaintext-key');
    assert.ok(plaintext, audit.stdout);
    assert.match(plaintext.fix ?? '', /^rolegate setup --bootstrap-profile bootstrap /);
    assert.doesNotMatch(plaintext.fix ?? '', /rolegate import/);
    assert.equal(BOOTSTRAP_CREDENTIALS.includes('mfa_serial'), false);
  } finally {
    box.cleanup();
  }
});

// Runs a command on a pseudo-terminal, as a person would, answering nothing: what it shows, how it
// ended, or that it was still waiting (for an answer) after the time given.
const TERMINAL = String.raw`
import json, os, pty, select, signal, sys, time
args = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(args["cmd"][0], args["cmd"], args["env"])
out = b""
end = time.time() + args["seconds"]
waiting = True
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            waiting = False
            break
        out += chunk
if waiting:
    os.kill(pid, signal.SIGKILL)
_, status = os.waitpid(pid, 0)
print(json.dumps({"output": out.decode("utf-8", "replace"), "waiting": waiting, "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None}))
`;

test('import --store file at a terminal with no key to import: says so without asking for the passphrase, exit 2, nothing written', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    writeFileSync(box.configFile, '[profile work]\nregion = eu-west-1\n');
    const before = { config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile) };
    const driven = await run(join(venvBin, 'python'), ['-c', TERMINAL, JSON.stringify({ cmd: [process.execPath, rolegateBin, 'import', 'work', '--store', 'file'], env: box.env, seconds: 20 })], { env: box.env, timeoutMs: 30_000 });
    const result = JSON.parse(driven.stdout) as { output: string; waiting: boolean; code: number | null };
    assert.equal(result.waiting, false, `import waited for an answer: ${result.output}`);
    assert.equal(result.code, 2, result.output);
    assert.match(result.output, /there is no plaintext key for profile work in .*credentials/);
    assert.match(result.output, /name the profile that holds aws_access_key_id/);
    assert.doesNotMatch(result.output, /passphrase/i);
    assert.deepEqual({ config: fileBytes(box.configFile), credentials: fileBytes(box.credentialsFile) }, before);
    assert.equal(existsSync(join(box.home, '.config', 'rolegate')), false, 'no key file, no folder');
  } finally {
    box.cleanup();
  }
});
