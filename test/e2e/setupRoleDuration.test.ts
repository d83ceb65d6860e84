/**
 * setup --role-duration 43200: AWS limits a role assumed with the MFA session to 1 hour, so the
 * default (session) chain caps role sessions at 1 h and the plan says so; --role-chain direct
 * writes a profile that assumes the role with the stored key and an MFA code for the full 12 h.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useMotoServer } from '../harness/moto.js';
import { runRolegate } from '../harness/run.js';
import { accountListing, fileBytes, secretFile, setup, setupSandbox } from './setupSupport.js';

const moto = useMotoServer();
const totpCommand = join(fileURLToPath(new URL('.', import.meta.url)), 'setupTotpCommand.js');
const hoursLeft = (expiration: string) => (Date.parse(expiration) - Date.now()) / 3_600_000;

for (const chain of ['session', 'direct'] as const) {
  test(`setup --role-duration 43200 --role-chain ${chain}: the admin profile elevates, ${chain === 'session' ? 'capped at 1 h as the plan says' : 'for 12 h with an MFA code'}`, { timeout: 180_000 }, async () => {
    const box = setupSandbox(moto.endpoint, { ROLEGATE_FILE_PASSPHRASE: 'correct horse battery staple' });
    try {
      const plan = await setup(box, ['--plan', '--store', 'file', '--role-duration', '43200', '--role-chain', chain]);
      assert.equal(plan.code, 0, plan.stderr + plan.stdout);
      const result = await setup(box, ['--store', 'file', '--role-duration', '43200', '--role-chain', chain]);
      assert.equal(result.code, 0, result.stderr + result.stdout);
      if (chain === 'session') assert.match(plan.stdout, /session chain\): role sessions of 1 h, renewed without a new code \(the role allows 12 h, but AWS limits/);
      else assert.match(plan.stdout, /direct chain\): role sessions of 12 h, one MFA code each/);
      assert.equal((await accountListing(box)).roles[0]!.maxSession, 43200);
      const config = fileBytes(box.configFile) ?? '';
      if (chain === 'session') assert.doesNotMatch(config, /duration_seconds|rolegate_role_chain/);
      else assert.match(config, /rolegate_role_chain = direct\nduration_seconds = 43200|duration_seconds = 43200\nrolegate_role_chain = direct/);
      const mfa = await runRolegate(['config', 'set', 'admin', 'mfa_process', `'${process.execPath}' '${totpCommand}' code '${secretFile(box)}'`], { env: box.env });
      assert.equal(mfa.code, 0, mfa.stderr);
      await moto.clearRequests();
      const elevated = await runRolegate(['credential-process', 'admin'], { env: box.env });
      assert.equal(elevated.code, 0, elevated.stderr);
      const left = hoursLeft(JSON.parse(elevated.stdout).Expiration);
      if (chain === 'session') assert.ok(left <= 1.01, `${left} h`);
      else assert.ok(left > 11.9, `${left} h`);
      const actions = (await moto.requests()).map((r) => r.action);
      assert.deepEqual(actions.filter((a) => a === 'GetSessionToken').length, chain === 'session' ? 1 : 0);
      assert.deepEqual(actions.filter((a) => a === 'AssumeRole').length, 1);
    } finally {
      box.cleanup();
    }
  });
}
