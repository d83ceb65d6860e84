import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandEnvironment } from './exec.js';

test("exec's command gets the temporary credentials, but neither AWS_PROFILE nor the key file passphrase", async () => {
  const env = await commandEnvironment(
    {
      PATH: '/usr/bin',
      AWS_PROFILE: 'admin',
      AWS_DEFAULT_PROFILE: 'admin',
      ROLEGATE_FILE_PASSPHRASE: 'the key file passphrase',
      // an ECS task's own endpoint would win over exec's (the relative URI and token file come first)
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/var/run/token',
    },
    { AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' },
    'admin',
  );
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token',
    ROLEGATE_PROFILE: 'admin',
  });
});
