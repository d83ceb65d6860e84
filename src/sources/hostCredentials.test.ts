import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { hostCredentials } from './hostCredentials.js';

test('Environment: a key with a token and an expiration is temporary; without, served as it is; missing variables are an error', async () => {
  const later = new Date(Date.now() + 3600_000).toISOString();
  const temporary = await hostCredentials('Environment', { AWS_ACCESS_KEY_ID: 'ASIAX', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', AWS_CREDENTIAL_EXPIRATION: later });
  assert.deepEqual([temporary.sessionToken, temporary.noExpiry, temporary.expiration.toISOString()], ['t', undefined, later]);
  const longTerm = await hostCredentials('Environment', { AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 's' });
  assert.deepEqual([longTerm.sessionToken, longTerm.noExpiry], ['', true]);
  await assert.rejects(hostCredentials('Environment', { AWS_ACCESS_KEY_ID: 'AKIAX' }), /not both set/);
});

test('EcsContainer and Ec2InstanceMetadata: a silent endpoint ends within the bound; IMDS can be turned off', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    await assert.rejects(hostCredentials('EcsContainer', { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${url}/creds` }), /did not answer within 2 s/);
    await assert.rejects(hostCredentials('Ec2InstanceMetadata', { AWS_EC2_METADATA_SERVICE_ENDPOINT: url }), /did not answer within 2 s/);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
  await assert.rejects(hostCredentials('Ec2InstanceMetadata', { AWS_EC2_METADATA_DISABLED: 'true' }), /AWS_EC2_METADATA_DISABLED/);
  await assert.rejects(hostCredentials('EcsContainer', {}), /neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/);
});
