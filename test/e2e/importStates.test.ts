// import in the life cycle: setup (plain), import into the file store, teardown: the files return
// to what they held before setup, byte for byte. A key without an MFA device is refused with the
// step that works, and audit suggests that step too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import { runRolegate, type RunResult } from '../harness/run.js';
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
