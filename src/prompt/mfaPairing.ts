import { Secret, TOTP } from 'otpauth';
import { UserError, badInput } from '../userError.js';
import { runPairingCommand } from './pairingCommand.js';
import { terminalQrCode } from './qrCode.js';
import { askLine, canAsk } from './terminalQuestion.js';

export interface PairingOptions {
  /** Base32 seed from CreateVirtualMFADevice. Held in memory only; never stored, never logged. */
  seed: string;
  /** The label shown in the authenticator app. */
  account: string;
  pairCommand?: string;
  codeCommand?: string;
  env: NodeJS.ProcessEnv;
  /** TEST HOOK (testHooks.ts): do not sleep until the next TOTP window. */
  skipWait?: boolean;
  /** Where pairing instructions go (the terminal). */
  write(text: string): void;
}

/** Whether pairing can run at all with these options here; checked before a device is created. */
export function pairingUnavailableReason(options: { pairCommand?: string; codeCommand?: string }): string | undefined {
  const tty = canAsk();
  if (!options.pairCommand && !tty) return 'pairing the MFA device needs a terminal to show the QR code, or --mfa-pair-command';
  if (!options.codeCommand && !tty) return 'pairing the MFA device needs a terminal to type two codes, or --mfa-code-command';
  return undefined;
}

export function otpauthUri(seed: string, account: string): string {
  return totpFor(seed, account).toString();
}

function totpFor(seed: string, account: string): TOTP {
  return new TOTP({ issuer: 'AWS', label: account, secret: Secret.fromBase32(seed), algorithm: 'SHA1', digits: 6, period: 30 });
}

/**
 * Hands the new device's secret to the person or the pair command, then obtains two consecutive
 * codes and checks them locally against the secret, so a typo never reaches EnableMFADevice.
 */
export async function pairMfaDevice(options: PairingOptions): Promise<{ code1: string; code2: string }> {
  const reason = pairingUnavailableReason(options);
  if (reason) throw badInput(reason, 'run setup in a terminal, or pass --mfa-pair-command CMD and --mfa-code-command CMD');
  const totp = totpFor(options.seed, options.account);
  const uri = totp.toString();
  if (options.pairCommand) {
    await runPairingCommand('--mfa-pair-command', options.pairCommand, { input: uri + '\n', env: options.env });
  } else {
    const qr = await terminalQrCode(uri);
    const grouped = options.seed.replace(/(.{4})/g, '$1 ').trim();
    options.write(
      `\nScan this QR code with your authenticator app (or type the secret in by hand):\n\n${qr}\n  secret: ${grouped}\n\n` +
        'rolegate does not keep this secret: it exists only in your authenticator from now on.\n\n',
    );
  }
  return options.codeCommand ? codesFromCommand(totp, { ...options, command: options.codeCommand, label: '--mfa-code-command' }) : codesFromTerminal(totp, options);
}

/**
 * Two consecutive codes from a command that computes them from the seed already handed over (a
 * hardware key that now holds it), checked locally against the seed. `label` names the command
 * in messages.
 */
export function pairingCodesFromCommand(options: Omit<PairingOptions, 'pairCommand' | 'codeCommand'> & { command: string; label: string }): Promise<{ code1: string; code2: string }> {
  return codesFromCommand(totpFor(options.seed, options.account), options);
}

/**
 * Two new consecutive codes after `spent` went out in an EnableMFADevice whose answer was lost
 * (AWS may have used them up, and takes each code once): both from windows after the spent ones.
 * `why` (what happened) is shown first.
 */
export async function freshPairingCodes(
  options: PairingOptions & { command?: string; label?: string },
  spent: { code1: string; code2: string },
  why: string,
): Promise<{ code1: string; code2: string }> {
  const totp = totpFor(options.seed, options.account);
  const last = counterOf(totp, spent.code2, Date.now()) ?? totp.counter({ timestamp: Date.now() });
  options.write(`${why}; AWS may have used up the two MFA codes sent with it, and takes each code only once, so two new codes are needed.\n`);
  const command = options.command ?? options.codeCommand;
  if (command) return codesFromCommand(totp, { ...options, command, label: options.label ?? '--mfa-code-command' }, last + 1);
  return codesFromTerminal(totp, options, last + 1);
}

/** The TOTP counter `token` belongs to, near `timestamp` (one window either side), or undefined. */
function counterOf(totp: TOTP, token: string, timestamp: number): number | undefined {
  const delta = totp.validate({ token, timestamp, window: 1 });
  return delta === null ? undefined : totp.counter({ timestamp }) + delta;
}

/** Two consecutive codes, the first of TOTP counter `minCounter` or later. */
async function codesFromCommand(totp: TOTP, options: PairingOptions & { command: string; label: string }, minCounter = 0): Promise<{ code1: string; code2: string }> {
  const flag = options.label;
  const ask = async (timestamp: number) => {
    const env = { ...options.env, ROLEGATE_TOTP_TIME: String(Math.floor(timestamp / 1000)) };
    const out = (await runPairingCommand(flag, options.command, { env, timeoutMs: 60_000 })).trim();
    if (!/^\d{6}$/.test(out)) throw new UserError(`${flag} did not print a 6-digit code`, { next: `make ${flag} print only the current code` });
    return out;
  };
  const mismatch = () =>
    new UserError(`the code from ${flag} does not match the new MFA device`, {
      next: flag === '--mfa-code-command' ? `check that ${flag} reads the secret that --mfa-pair-command received, then run setup again` : `check ${flag} by hand, then run setup again`,
    });
  const firstWindow = minCounter * totp.period * 1000;
  if (!options.skipWait && firstWindow > Date.now()) {
    options.write(`waiting ${Math.ceil((firstWindow - Date.now()) / 1000)} s for the next MFA code...\n`);
    await sleep(firstWindow - Date.now() + 500);
  }
  const t1 = options.skipWait ? Math.max(Date.now(), firstWindow + 1000) : Date.now();
  const code1 = await ask(t1);
  const c1 = counterOf(totp, code1, t1);
  if (c1 === undefined) throw mismatch();
  if (c1 < minCounter) {
    throw new UserError(`${flag} printed a code already sent to AWS`, { next: `make ${flag} print the code of the time in ROLEGATE_TOTP_TIME (or the current one), then run setup again` });
  }
  const nextWindow = (c1 + 1) * totp.period * 1000;
  if (!options.skipWait) {
    options.write(`waiting ${Math.ceil(Math.max(0, nextWindow - Date.now()) / 1000)} s for the next MFA code...\n`);
    await sleep(Math.max(0, nextWindow - Date.now()) + 500);
  }
  const t2 = options.skipWait ? nextWindow + 1000 : Date.now();
  const code2 = await ask(t2);
  if (counterOf(totp, code2, t2) !== c1 + 1) throw mismatch();
  return { code1, code2 };
}

async function codesFromTerminal(totp: TOTP, options: PairingOptions, minCounter = 0): Promise<{ code1: string; code2: string }> {
  const notACode = 'Type the 6 digits your authenticator app shows for this account.\n';
  for (;;) {
    const code1 = await askLine('MFA code 1: ');
    if (!/^\d{6}$/.test(code1)) {
      options.write(notACode);
      continue;
    }
    const c1 = counterOf(totp, code1, Date.now());
    if (c1 === undefined) {
      options.write('That code does not match the new device (a typo, or the app shows another account?). Try again.\n');
      continue;
    }
    if (c1 < minCounter) {
      options.write('That code was already sent; wait until the app shows the next one.\n');
      continue;
    }
    for (;;) {
      const code2 = await askLine('MFA code 2 (wait for the code to change, then type the new one): ');
      if (!/^\d{6}$/.test(code2)) {
        options.write(notACode);
        continue;
      }
      const c2 = counterOf(totp, code2, Date.now());
      if (c2 === c1) {
        options.write('That is the same code; wait until the app shows the next one.\n');
        continue;
      }
      if (c2 === c1 + 1) return { code1, code2 };
      options.write('That code does not follow code 1. Start again with the code shown now.\n');
      break;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
