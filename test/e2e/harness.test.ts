import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { useMotoServer } from '../harness/moto.js';
import { makeSandbox } from '../harness/sandbox.js';
import { runAws, runBoto3 } from '../harness/run.js';

const moto = useMotoServer();

test('the AWS CLI and boto3 reach moto through AWS_ENDPOINT_URL, with a sandboxed HOME', async () => {
  const box = makeSandbox({ endpoint: moto.endpoint });
  try {
    writeFileSync(box.credentialsFile, '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = test\n');
    const created = await runAws(['iam', 'create-user', '--user-name', 'harness'], { env: box.env });
    assert.equal(created.code, 0, created.stderr);
    const names = await runBoto3<string[]>(
      'import boto3, json; print(json.dumps([u["UserName"] for u in boto3.client("iam").list_users()["Users"]]))',
      { env: box.env },
    );
    assert.deepEqual(names, ['harness']);
    const log = await moto.requests();
    assert.deepEqual(
      log.map((r) => r.action),
      ['CreateUser', 'ListUsers'],
    );
  } finally {
    box.cleanup();
  }
});

test('reset leaves no state behind from an earlier test', async () => {
  const box = makeSandbox({ endpoint: moto.endpoint });
  try {
    writeFileSync(box.credentialsFile, '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = test\n');
    const listed = await runAws(['iam', 'list-users', '--output', 'json'], { env: box.env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).Users, []);
  } finally {
    box.cleanup();
  }
});

test('access control: with it on, a key moto does not know is refused', async () => {
  const box = makeSandbox({ endpoint: moto.endpoint });
  try {
    writeFileSync(box.credentialsFile, '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = test\n');
    await moto.enableAccessControl(0);
    const denied = await runAws(['iam', 'list-users'], { env: box.env });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /InvalidClientTokenId|security token/i);
  } finally {
    await moto.disableAccessControl();
    box.cleanup();
  }
});
