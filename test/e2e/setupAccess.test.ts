// With moto's access control on: the read-only user reads and cannot write; through the admin
// role it can write. moto matches trust-policy principals literally (an account-root principal
// does not admit a user of that account), so this test sets up with --trust user; the account-wide
// trust (--trust account) is the default and is evaluated with iam-simulate in src/policy/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useMotoServer } from '../harness/moto.js';
import { runAws } from '../harness/run.js';
import { nextCode, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();

test('read-only by default, elevated through the admin role (moto access control on, --trust user)', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const result = await setup(box, ['--trust', 'user']);
    assert.equal(result.code, 0, result.stderr);
    await moto.enableAccessControl(0);
    const read = await runAws(['ec2', 'describe-instances', '--output', 'json'], { env: box.env });
    assert.equal(read.code, 0, read.stderr);
    const write = await runAws(['s3api', 'create-bucket', '--bucket', 'rolegate-denied'], { env: box.env });
    assert.notEqual(write.code, 0);
    assert.match(write.stderr, /AccessDenied/);
    const elevated = await runAws(['--profile', 'admin', 's3api', 'create-bucket', '--bucket', 'rolegate-allowed'], {
      env: box.env,
      input: (await nextCode(box)) + '\n',
    });
    assert.equal(elevated.code, 0, elevated.stderr);
    const listed = await runAws(['--profile', 'admin', 's3api', 'list-buckets', '--output', 'json'], { env: box.env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).Buckets.map((b: { Name: string }) => b.Name), ['rolegate-allowed']);
  } finally {
    await moto.disableAccessControl();
    box.cleanup();
  }
});
