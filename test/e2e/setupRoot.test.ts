// Setup with the account root's key. moto never names root in GetCallerIdentity, so the audit
// tests' proxy (auditProxy.ts) rewrites that one answer for the bootstrap key; the key itself is a
// moto user's key, so moto can delete it when setup deletes "the root key" (DeleteAccessKey with
// no user name deletes the caller's key).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { runBoto3 } from '../harness/run.js';
import { startAccountProxy, type AccountProxy } from './auditProxy.js';
import { mutations, setup, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();
let proxy: AccountProxy;
before(async () => {
  proxy = await startAccountProxy((await moto.started()).endpoint);
});
after(async () => {
  await proxy.close();
});

const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;

/** A sandbox whose bootstrap profile holds a key that STS (through the proxy) says is root's. */
async function rootSandbox(): Promise<{ box: Sandbox; keyId: string }> {
  const box = setupSandbox(proxy.endpoint);
  const [id, secret] = await runBoto3<[string, string]>(
    `import boto3, json
iam = boto3.client("iam")
iam.create_user(UserName="stand-in-for-root")
k = iam.create_access_key(UserName="stand-in-for-root")["AccessKey"]
print(json.dumps([k["AccessKeyId"], k["SecretAccessKey"]]))`,
    { env: { ...box.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_PROFILE: 'bootstrap' } },
  );
  writeFileSync(box.credentialsFile, `[bootstrap]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`, { mode: 0o600 });
  proxy.facts.identities = { [id]: ROOT };
  return { box, keyId: id };
}

// Listed with another key than the stand-in root's: once deleted, that key is refused (as AWS does).
const rootKeys = (box: Sandbox) =>
  runBoto3<string[]>(
    'import boto3, json; print(json.dumps([k["AccessKeyId"] for k in boto3.client("iam").list_access_keys(UserName="stand-in-for-root")["AccessKeyMetadata"]]))',
    { env: { ...box.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'lister' } },
  );

test('root bootstrap: warned first; without a terminal or --delete-root-keys the root key is kept', async () => {
  const { box, keyId } = await rootSandbox();
  try {
    const result = await setup(box);
    assert.equal(result.code, 0, result.stderr);
    const warning = result.stdout.indexOf("warning: setup is running with the account root's access key");
    assert.ok(warning >= 0, result.stdout);
    assert.ok(warning < result.stdout.indexOf('IAM user admin'), 'the warning comes before any step');
    assert.match(result.stdout, new RegExp(`root access key ${keyId}: kept`));
    assert.deepEqual(await rootKeys(box), [keyId]);
  } finally {
    box.cleanup();
  }
});

test('root bootstrap with --delete-root-keys: the key is deleted last, after the new key was checked', async () => {
  const { box, keyId } = await rootSandbox();
  try {
    const result = await setup(box, ['--delete-root-keys']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`root access key ${keyId}: deleted`));
    assert.deepEqual(await rootKeys(box), []);
    const log = await moto.requests();
    const changes = mutations(log);
    assert.equal(changes[changes.length - 1], 'DeleteAccessKey');
    const deletion = log.findIndex((r) => r.action === 'DeleteAccessKey');
    const check = log.findIndex((r) => r.action === 'GetCallerIdentity' && r.access_key !== keyId);
    assert.ok(check >= 0 && check < deletion, 'the new key was checked before the root key was deleted');
  } finally {
    box.cleanup();
  }
});

test('root bootstrap with --delete-root-keys: elevation is proven (GetSessionToken with a fresh code, AssumeRole 900 s) before the root key is deleted', async () => {
  const { box, keyId } = await rootSandbox();
  try {
    const result = await setup(box, ['--delete-root-keys']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /elevation proven \(arn:aws:sts::123456789012:assumed-role\/admin\/rolegate-setup-proof\)/);
    const log = await moto.requests();
    const deletion = log.findIndex((r) => r.action === 'DeleteAccessKey' && r.access_key === keyId);
    const assumed = log.findIndex((r) => r.action === 'AssumeRole' && !r.refused);
    assert.ok(assumed >= 0 && assumed < deletion, 'the role was assumed before the root key was deleted');
    assert.deepEqual(log.filter((r) => r.refused), [], 'no code was refused: the proof waited for a window pairing had not used');
  } finally {
    box.cleanup();
  }
});

test('root bootstrap with --delete-root-keys, a role that cannot be assumed (IAM not yet spread, strict layer): the root key stays, and setup says why', async () => {
  const { box, keyId } = await rootSandbox();
  try {
    moto.setConsistency({ newRoleMs: 10 * 60_000 });
    const result = await setup(box, ['--delete-root-keys'], { ROLEGATE_KEY_WAIT_SECONDS: '4' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`root access key ${keyId}: kept: elevation to the admin role could not be proven, so the root key is still needed \\(AssumeRole arn:aws:iam::${ACCOUNT_ID}:role/admin with MFA failed: .*AccessDenied.*IAM changes can take a minute to take effect`),
    );
    assert.deepEqual(await rootKeys(box), [keyId]);
    assert.equal((await moto.requests()).filter((r) => r.action === 'DeleteAccessKey').length, 0);
  } finally {
    box.cleanup();
  }
});

test('root bootstrap with --delete-root-keys while IAM spreads (strict layer: a new key, role and user policy take 4 s): setup waits, proves elevation, and deletes the root key', async () => {
  const { box, keyId } = await rootSandbox();
  try {
    moto.setConsistency({ newKeyMs: 4_000, newRoleMs: 4_000, newPolicyMs: 4_000 });
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // the stand-in root key, made just now, works by then
    const result = await setup(box, ['--delete-root-keys']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /waiting for the new key to become active \(IAM changes can take a minute to take effect\)/);
    assert.match(result.stdout, new RegExp(`root access key ${keyId}: deleted`));
    assert.deepEqual(await rootKeys(box), []);
  } finally {
    box.cleanup();
  }
});
