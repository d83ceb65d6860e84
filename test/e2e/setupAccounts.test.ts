// Two setups in two accounts on one laptop, through two bootstrap profiles: account A from a key,
// account B through a role of another account id (moto keeps one backend per account and maps the
// credentials AssumeRole returns to the role's account). Both live side by side, each profile
// reaching its own identity and account, elevation needing MFA in each (the strict layer checks the
// codes); tearing one down leaves the other, its files and its account, as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { runAws, runBoto3, runRolegate, type RunResult } from '../harness/run.js';
import { accountListing, fileBytes, mfaFlags, nextCode, setup, setupSandbox, type Sandbox } from './setupSupport.js';

const moto = useMotoServer();

/** The second account, reached through the role an organization creates in each member account. */
const ACCOUNT_B = '210987654321';
const BOOTSTRAP_B = `[profile bootstrap-b]\nrole_arn = arn:aws:iam::${ACCOUNT_B}:role/OrganizationAccountAccessRole\nsource_profile = bootstrap\n`;
const A = ['--profile', 'ro-a', '--admin-profile', 'admin-a'];
const B = ['--profile', 'ro-b', '--admin-profile', 'admin-b'];
const out = (r: RunResult) => r.stdout + r.stderr;

function setupB(box: Sandbox): Promise<RunResult> {
  return runRolegate(['setup', '--bootstrap-profile', 'bootstrap-b', '--store', 'plain', ...mfaFlags(box, 'code', 'totp-uri-b'), ...B], {
    env: box.env,
    timeoutMs: 120_000,
  });
}

async function identity(box: Sandbox, profile: string, code?: string): Promise<{ Arn: string; Account: string }> {
  const r = await runAws(['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json'], { env: box.env, input: code === undefined ? '' : `${code}\n` });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { Arn: string; Account: string };
}

/** AssumeRole on the account's admin role with the profile's key and no MFA: the error code, or 'ok'. */
function assumeWithoutMfa(box: Sandbox, profile: string, account: string): Promise<string> {
  const code = `
import boto3, json, botocore.exceptions
try:
    boto3.Session(profile_name=${JSON.stringify(profile)}).client("sts").assume_role(RoleArn="arn:aws:iam::${account}:role/admin", RoleSessionName="no-mfa")
    print(json.dumps("ok"))
except botocore.exceptions.ClientError as e:
    print(json.dumps(e.response["Error"]["Code"]))
`;
  return runBoto3<string>(code, { env: box.env });
}

/** The files and both accounts' IAM listings: what tearing down the other setup must leave alone. */
async function snapshot(box: Sandbox) {
  return {
    listingA: await accountListing(box, 'bootstrap'),
    listingB: await accountListing(box, 'bootstrap-b'),
    config: fileBytes(box.configFile),
    credentials: fileBytes(box.credentialsFile),
    record: fileBytes(join(box.home, '.config', 'rolegate', 'profiles-before-setup.json')),
  };
}

test('two accounts through two bootstrap profiles: both setups work side by side, each in its own account; tearing one down leaves the other', async () => {
  const box = setupSandbox(moto.endpoint);
  appendFileSync(box.configFile, BOOTSTRAP_B, { mode: 0o600 });
  try {
    // the two bootstrap profiles reach two accounts, both empty
    assert.equal((await identity(box, 'bootstrap')).Account, ACCOUNT_ID);
    assert.equal((await identity(box, 'bootstrap-b')).Account, ACCOUNT_B);
    const emptyB = await accountListing(box, 'bootstrap-b');
    assert.deepEqual(emptyB.users, []);

    const first = await setup(box, A);
    assert.equal(first.code, 0, out(first));
    const afterA = await snapshot(box);
    const second = await setupB(box);
    assert.equal(second.code, 0, out(second));
    assert.match(first.stdout, new RegExp(`Setup complete in account ${ACCOUNT_ID}\\. Read-only: aws --profile ro-a sts get-caller-identity; elevated: aws --profile admin-a `));
    assert.match(second.stdout, new RegExp(`Setup complete in account ${ACCOUNT_B}\\. Read-only: aws --profile ro-b sts get-caller-identity; elevated: aws --profile admin-b `));

    // each read-only profile reaches its own user in its own account
    const [roA, roB] = [await identity(box, 'ro-a'), await identity(box, 'ro-b')];
    assert.deepEqual([roA.Arn, roA.Account], [`arn:aws:iam::${ACCOUNT_ID}:user/admin`, ACCOUNT_ID]);
    assert.deepEqual([roB.Arn, roB.Account], [`arn:aws:iam::${ACCOUNT_B}:user/admin`, ACCOUNT_B]);
    // elevation needs an MFA code in each, from that account's own device (the strict layer checks it)
    assert.equal(await assumeWithoutMfa(box, 'ro-b', ACCOUNT_B), 'AccessDenied');
    assert.equal(await assumeWithoutMfa(box, 'ro-a', ACCOUNT_ID), 'AccessDenied');
    assert.match((await identity(box, 'admin-b', await nextCode(box, 'totp-uri-b'))).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT_B}:assumed-role/admin/`));

    // each account holds its own user, role and device; each user's one key is on the laptop
    const [listingA, listingB] = [await accountListing(box, 'bootstrap'), await accountListing(box, 'bootstrap-b')];
    assert.deepEqual(listingA, afterA.listingA, 'setting up account B changed nothing in account A');
    assert.deepEqual(listingB.users.map((u) => [u.name, u.keys.length, u.mfa]), [['admin', 1, [`arn:aws:iam::${ACCOUNT_B}:mfa/admin`]]]);
    assert.deepEqual(listingB.roles.filter((r) => r.name === 'admin').length, 1);
    const credentials = fileBytes(box.credentialsFile) ?? '';
    for (const key of [listingA.users[0]!.keys[0]!, listingB.users[0]!.keys[0]!]) assert.ok(credentials.includes(key), `key ${key} is stored`);

    // the record knows setup B's account: credentials of account A are refused before any change
    const before = await snapshot(box);
    const wrongAccount = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes', '--profile', 'ro-b'], { env: box.env });
    assert.equal(wrongAccount.code, 2, out(wrongAccount));
    assert.match(wrongAccount.stderr, new RegExp(`the setup of profiles ro-b, admin-b: account ${ACCOUNT_B}.* reach account ${ACCOUNT_ID}; nothing was changed`));
    assert.deepEqual(await snapshot(box), before);

    const removed = await runRolegate(['teardown', '--bootstrap-profile', 'bootstrap-b', '--yes', ...B], { env: box.env });
    assert.equal(removed.code, 0, out(removed));
    assert.match(removed.stdout, new RegExp(`Teardown in account ${ACCOUNT_B}`));
    assert.match(removed.stdout, /Teardown complete/);
    const after = await snapshot(box);
    assert.deepEqual(after.listingB.users, [], 'account B is empty again');
    assert.deepEqual(after.listingB.virtualMfa, []);
    assert.deepEqual(after.listingB.localPolicies, emptyB.localPolicies);
    assert.deepEqual(after.listingB.roles, emptyB.roles);
    assert.deepEqual({ ...after, listingB: undefined }, { ...afterA, listingB: undefined }, 'account A and the files are as after its setup');
    assert.equal((await identity(box, 'ro-a')).Arn, `arn:aws:iam::${ACCOUNT_ID}:user/admin`);
    // account A's elevation works after B's teardown, and its role still needs MFA
    assert.equal(await assumeWithoutMfa(box, 'ro-a', ACCOUNT_ID), 'AccessDenied');
    assert.match((await identity(box, 'admin-a', await nextCode(box))).Arn, new RegExp(`^arn:aws:sts::${ACCOUNT_ID}:assumed-role/admin/`));
  } finally {
    box.cleanup();
  }
});
