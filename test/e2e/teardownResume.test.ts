// An interrupted teardown (SIGKILL after each of its actions) is finished by running it again:
// the account and the files end as they were before setup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { useMotoServer } from '../harness/moto.js';
import { runRolegate } from '../harness/run.js';
import { accountListing, BOOTSTRAP_CREDENTIALS, fileBytes, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();

const CONFIG = '[profile other]\nregion = eu-central-1\n';
// 9 actions after a plain setup: 2 detaches, MFA device, key, inline policy, user, role, stored key, profiles
const ACTIONS = 9;

for (let n = 1; n < ACTIONS; n++) {
  test(`teardown killed after action ${n}: a rerun finishes it`, async () => {
    const box = setupSandbox(moto.endpoint);
    try {
      writeFileSync(box.configFile, CONFIG);
      const before = await accountListing(box);
      assert.equal((await setup(box)).code, 0);
      const teardown = (env: NodeJS.ProcessEnv = {}) =>
        runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes'], { env: { ...box.env, ...env } });
      const killed = await teardown({ ROLEGATE_TEST_KILL_AFTER_STEP: `teardown:${n}` });
      assert.equal(killed.signal, 'SIGKILL', killed.stderr + killed.stdout);
      assert.equal((killed.stdout.match(/^- /gm) ?? []).length, n);
      const rerun = await teardown();
      assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
      assert.deepEqual(await accountListing(box), before);
      assert.equal(fileBytes(box.configFile), CONFIG);
      assert.equal(fileBytes(box.credentialsFile), BOOTSTRAP_CREDENTIALS);
    } finally {
      box.cleanup();
    }
  });
}
