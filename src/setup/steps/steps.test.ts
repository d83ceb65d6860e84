import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isUserError } from '../../userError.js';
import type { SetupContext } from '../step.js';
import type { SetupIO } from '../setupIO.js';
import { rootKeyStep } from './rootKey.js';
import { verifyKeyStep } from './verifyKey.js';

const ARN = 'arn:aws:iam::123456789012:user/admin';

function fakeContext(overrides: Partial<SetupContext> & { answer?: boolean; sent?: unknown[]; lines?: string[] }): SetupContext {
  const io: SetupIO = {
    json: false,
    yes: false,
    canAsk: false,
    line: (t) => void overrides.lines?.push(t),
    terminal: () => {},
    step: (_t, work) => work(),
    confirm: async () => overrides.answer ?? false,
  };
  return {
    options: { userName: 'admin', region: 'us-east-1', deleteRootKeys: false } as SetupContext['options'],
    env: {},
    iam: { send: async (command: unknown) => void overrides.sent?.push(command) } as unknown as SetupContext['iam'],
    names: { partition: 'aws', account: '123456789012', userArn: ARN, roleArn: '', mfaSerial: '', readPolicyArn: '', adminPolicyArn: '' },
    callerArn: 'arn:aws:iam::123456789012:root',
    bootstrapKeyId: 'AKIAIOSFODNN7EXAMPLE',
    isRoot: true,
    io,
    keyStore: async () => {
      throw new Error('not used');
    },
    state: { mfaSerial: '', key: { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'x' }, keyVerified: true },
    checkpoint: () => {},
    pause: async () => {},
    planOnly: false,
    preflight: { adopted: new Map(), replacements: [] },
    ...overrides,
  };
}

test('root key: skipped unless the bootstrap identity is root', async () => {
  const inspection = await rootKeyStep.inspect(fakeContext({ isRoot: false }));
  assert.equal(inspection.item.status, 'skip');
  assert.equal(inspection.apply, undefined);
});

test('root key: kept when the person says no, or when the new key was not checked', async () => {
  const sent: unknown[] = [];
  const declined = await (await rootKeyStep.inspect(fakeContext({ sent, answer: false }))).apply!();
  assert.match(declined, /^kept/);
  const unchecked = fakeContext({ sent, answer: true });
  unchecked.state.keyVerified = false;
  assert.match(await (await rootKeyStep.inspect(unchecked)).apply!(), /^kept/);
  assert.deepEqual(sent, []);
});

// Deletion itself comes only after elevation is proven with an MFA code (elevationProof.ts);
// that path, down to the DeleteAccessKey by id, is proven end to end in test/e2e/setupRoot.test.ts.
test('root key: confirmed (or --delete-root-keys) but elevation not proven: kept, with the reason, and nothing sent', async () => {
  for (const ctx of [
    fakeContext({ sent: [], answer: true }),
    fakeContext({ sent: [], options: { deleteRootKeys: true } as SetupContext['options'] }),
  ]) {
    const sent: unknown[] = [];
    ctx.iam = { send: async (c: unknown) => void sent.push(c) } as unknown as SetupContext['iam'];
    ctx.state.key = undefined; // nothing to prove elevation with: the proof fails before any prompt or call
    assert.match(await (await rootKeyStep.inspect(ctx)).apply!(), /^kept: elevation to the admin role could not be proven.*there is no new key to prove it with/);
    assert.deepEqual(sent, []);
  }
});

/** A stand-in STS endpoint that refuses a new key `refusals` times, as IAM does while it spreads. */
async function fakeSts(refusals: number, arn = ARN) {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      if (calls <= refusals) {
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end('<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>1</RequestId></ErrorResponse>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, calls: () => calls, close: () => new Promise((resolve) => server.close(resolve)) };
}

test('verify: waits (and says so) while the new key is not yet active, then passes', async () => {
  const sts = await fakeSts(2);
  try {
    const lines: string[] = [];
    const ctx = fakeContext({ lines, env: { AWS_ENDPOINT_URL: sts.endpoint } });
    ctx.state.keyVerified = false;
    const detail = await (await verifyKeyStep.inspect(ctx)).apply!();
    assert.match(detail, /works/);
    assert.equal(ctx.state.keyVerified, true);
    assert.ok(sts.calls() >= 3);
    assert.deepEqual(lines.filter((l) => /waiting for the new key to become active/.test(l)).length, 1);
  } finally {
    await sts.close();
  }
});

test('verify: gives up with a clear message when the key never works', async () => {
  const sts = await fakeSts(1000);
  try {
    const ctx = fakeContext({ lines: [], env: { AWS_ENDPOINT_URL: sts.endpoint, ROLEGATE_KEY_WAIT_SECONDS: '0' } });
    await assert.rejects((await verifyKeyStep.inspect(ctx)).apply!(), (e: unknown) => isUserError(e) && /does not work \(InvalidClientTokenId\)/.test(e.message));
  } finally {
    await sts.close();
  }
});

test('verify: a key of someone else is reported, not waited for', async () => {
  const sts = await fakeSts(0, 'arn:aws:iam::123456789012:user/someone');
  try {
    const ctx = fakeContext({ lines: [], env: { AWS_ENDPOINT_URL: sts.endpoint } });
    await assert.rejects((await verifyKeyStep.inspect(ctx)).apply!(), (e: unknown) => isUserError(e) && /belongs to arn:aws:iam::123456789012:user\/someone/.test(e.message));
  } finally {
    await sts.close();
  }
});

/** An IAM client answering the reads of the MFA device step: the user (ours) and its devices. */
function mfaReads(devices: string[]): SetupContext['iam'] {
  return {
    send: async (command: { constructor: { name: string } }) => {
      switch (command.constructor.name) {
        case 'GetUserCommand':
          return { User: { UserName: 'admin', Arn: ARN, Tags: [{ Key: 'managed-by', Value: 'rolegate' }] } };
        case 'ListMFADevicesCommand':
          return { MFADevices: devices.map((SerialNumber) => ({ SerialNumber })) };
        case 'ListVirtualMFADevicesCommand':
          return { VirtualMFADevices: [] };
        default:
          throw new Error(`unexpected ${command.constructor.name}`);
      }
    },
  } as unknown as SetupContext['iam'];
}

const FIDO = 'arn:aws:iam::123456789012:u2f/user/admin/fido-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const OURS = 'arn:aws:iam::123456789012:mfa/admin';

test('MFA device: a FIDO security key listed first is never adopted or used; a virtual device after it is', async () => {
  const { mfaDeviceStep } = await import('./mfaDevice.js');
  const options = { userName: 'admin', adopt: true, mfaPairCommand: 'true', mfaCodeCommand: 'true' } as SetupContext['options'];
  const adopting = fakeContext({ options, iam: mfaReads([FIDO, 'arn:aws:iam::123456789012:mfa/phone']) });
  adopting.names.mfaSerial = OURS;
  const inspection = await mfaDeviceStep.inspect(adopting);
  assert.equal(inspection.item.summary, 'exists (adopted, not created by rolegate)');
  assert.equal(adopting.state.mfaSerial, 'arn:aws:iam::123456789012:mfa/phone');

  // only a security key (and a hardware token): setup pairs its own virtual device beside them
  const beside = fakeContext({ options: { ...options, adopt: false }, iam: mfaReads([FIDO, 'GAHT12345678']) });
  beside.names.mfaSerial = OURS;
  const created = await mfaDeviceStep.inspect(beside);
  assert.equal(created.item.status, 'create');
  assert.equal(beside.state.mfaSerial, OURS);
});
