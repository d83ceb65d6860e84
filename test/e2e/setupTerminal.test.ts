// setup at a terminal (a pseudo-terminal driven from Python): it shows the plan and asks, draws the
// QR code and the secret, asks again after a wrong code, and pairs with two consecutive codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useMotoServer } from '../harness/moto.js';
import { rolegateBin } from '../harness/paths.js';
import { accountListing, setupSandbox } from './setupSupport.js';
import { atTerminal, type TerminalStep } from './ptyDriver.js';

const moto = useMotoServer();

// Like a person with an authenticator app: letters, then a wrong code, then two consecutive codes
// (the driver reads the secret off the screen and blanks it out of the transcript).
const PAIRING: TerminalStep[] = [
  { expect: 'MFA code 1: ', send: 'abc\r' },
  { expect: 'Type the 6 digits', send: '{wrong-code}\r' },
  { expect: 'does not match', send: '{code}\r' },
  { expect: 'MFA code 2', send: '{next-code}\r' },
];
const QR_GLYPH = /[\u2580\u2584\u2588]/;

test('at a terminal: plan and question, QR code, a wrong code asked again, then paired', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const cmd = [process.execPath, rolegateBin, 'setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain'];
    const outcome = await atTerminal(cmd, box.env, [{ expect: String.raw`Apply these changes\? \[y/N\] `, send: 'y\r' }, ...PAIRING]);
    assert.equal(outcome.error, undefined, outcome.screen);
    assert.equal(outcome.status, 0, outcome.screen);
    assert.match(outcome.screen, QR_GLYPH, 'a QR code was drawn');
    assert.match(outcome.screen, /Plan for account 123456789012/);
    assert.match(outcome.screen, /"aws:MultiFactorAuthPresent": "true"/);
    assert.match(outcome.screen, /Type the 6 digits your authenticator app shows/);
    assert.match(outcome.screen, /That code does not match/);
    assert.match(outcome.screen, /Setup complete/);
    const listing = await accountListing(box);
    assert.deepEqual(listing.users[0]!.mfa, ['arn:aws:iam::123456789012:mfa/admin']);
  } finally {
    box.cleanup();
  }
});

test('at a terminal with the file store: the passphrase prompt stands alone, no spinner draws over it; a short one is asked for again', async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const cmd = [process.execPath, rolegateBin, 'setup', '--bootstrap-profile', 'bootstrap', '--store', 'file', '--yes'];
    // CI=true turns the spinner off; this test is about the spinner, so the child runs without it (at an xterm)
    const env: NodeJS.ProcessEnv = { ...box.env };
    delete env.CI;
    delete env.ROLEGATE_FILE_PASSPHRASE;
    const passphrase = 'correct horse battery staple';
    const outcome = await atTerminal(cmd, env, [
      { expect: 'passphrase for [^\r\n]+: ', send: 'too short\r', watchMs: 1000 },
      { expect: 'too short; passphrase for [^\r\n]+: ', send: `${passphrase}\r` },
      { expect: 'same passphrase again: ', send: `${passphrase}\r` },
      ...PAIRING,
    ], 'xterm');
    assert.equal(outcome.error, undefined, outcome.screen);
    assert.equal(outcome.status, 0, outcome.screen);
    assert.equal(typeof outcome.drawn[0], 'string', 'the passphrase was asked for');
    assert.doesNotMatch(outcome.drawn[0]!, /[\u2800-\u28ff]/, 'no spinner frame while the prompt waits');
    assert.match(outcome.screen, /Setup complete/);
    assert.doesNotMatch(outcome.screen, /correct horse|too short\r?\n/, 'the passphrase is not echoed');
    assert.match(outcome.screen, /too short; passphrase for .*keys\.enc \(at least 12 characters\): /, 'a short one is asked for again');
  } finally {
    box.cleanup();
  }
});
