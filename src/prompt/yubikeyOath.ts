/**
 * A YubiKey's OATH application, through Yubico's `ykman` (YubiKey Manager CLI), for setup's
 * `--mfa-device yubikey`: the new virtual MFA device's seed goes straight into the key and the
 * key then computes the codes. What ykman does, from its source (ykman/_cli/oath.py, util.py):
 *   - `oath accounts add NAME` without SECRET asks for it; when stdin is not a terminal it reads
 *     one line from stdin. So the seed travels on a pipe, never in argv.
 *   - an account of the same id (ISSUER:NAME) is overwritten only after a confirmation that reads
 *     stdin (EOF here: "Aborted!") or with --force; rolegate checks the list first and refuses.
 *   - `oath accounts code --single QUERY` prints one code; an account that needs a touch makes it
 *     print "Touch your YubiKey..." on stderr first.
 *   - with no key attached it waits about 2.5 s, then fails ("No YubiKey detected!"); with several
 *     it fails unless `--device SERIAL` names one (`ykman list --serials` prints them).
 *   - an OATH password on the key is asked for on every use unless remembered
 *     (`ykman oath access remember`), which `oath info` reports.
 */
import { spawn } from 'node:child_process';
import { childEnv } from '../childEnv.cjs';
import { quotePosix } from '../shellQuote.js';
import { UserError } from '../userError.js';

/** The issuer setup gives the account, as in the QR code of an authenticator app. */
export const OATH_ISSUER = 'AWS';

export interface YubikeyTarget {
  /** The key's serial, when known: passed as `--device SERIAL` (several keys may be attached). */
  serial?: string;
  env: NodeJS.ProcessEnv;
}

interface YkmanResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** ykman's last message lines, for an error (ykman never prints a seed or a code on stderr). */
function ykmanSaid(stderr: string): string {
  const lines = stderr.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-2).join(' / ') || 'no message';
}

/**
 * Runs ykman with `args` (no shell), `input` on stdin, bounded by `timeoutMs`. Rejects with a
 * UserError when ykman cannot be started (not installed).
 */
function runYkman(args: string[], options: { what: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<YkmanResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ykman', args, { env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new UserError(`ykman ${options.what} did not finish within ${timeoutMs / 1000} s`, { next: 'check that the YubiKey is inserted and not in use by another program, then run setup again' }));
    }, timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new UserError('ykman (YubiKey Manager) was not found on PATH', {
              next: 'install it (pipx install yubikey-manager, or your system\'s yubikey-manager package), check `ykman list`, then run setup again',
              exitCode: 2,
            })
          : new UserError(`ykman could not be started: ${error.message}`, { next: 'check your ykman installation' }),
      );
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {
      /* ykman may exit without reading its input; its exit code tells */
    });
    child.stdin.end(options.input ?? '');
  });
}

function deviceArgs(target: YubikeyTarget): string[] {
  return target.serial ? ['--device', target.serial] : [];
}

/** The OATH account id ykman lists for a TOTP account of period 30: ISSUER:NAME. */
export function oathAccountId(name: string): string {
  return `${OATH_ISSUER}:${name}`;
}

/** The command written as the profiles' mfa_process: the key's current code for the account. */
export function yubikeyCodeCommand(target: { serial?: string }, accountName: string): string {
  return ['ykman', ...deviceArgs({ serial: target.serial, env: {} }), 'oath', 'accounts', 'code', '--single', oathAccountId(accountName)].map(quotePosix).join(' ');
}

export interface YubikeyState {
  serial?: string;
  /** Account ids on the key (ISSUER:NAME). */
  accounts: string[];
}

/**
 * What setup must know before its first AWS change: ykman runs, exactly one key is meant (the
 * serial given, or the only one attached), its OATH application answers without a password
 * prompt, and which accounts it holds. Throws a UserError naming the problem and the next step.
 */
export async function inspectYubikey(options: { serial?: string; env: NodeJS.ProcessEnv }): Promise<YubikeyState> {
  const listed = await runYkman(['list', '--serials'], { what: 'list', env: options.env, timeoutMs: 20_000 });
  if (listed.code !== 0) throw new UserError(`ykman could not list YubiKeys (${ykmanSaid(listed.stderr)})`, { next: 'check `ykman list`, then run setup again' });
  const serials = listed.stdout.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l));
  let serial = options.serial;
  if (serial !== undefined && !serials.includes(serial)) {
    throw new UserError(`no YubiKey with serial ${serial} is attached${serials.length ? ` (attached: ${serials.join(', ')})` : ''}`, {
      next: 'insert that key, or pass the serial of an attached one with --yubikey-serial (ykman list --serials)',
      exitCode: 2,
    });
  }
  if (serial === undefined && serials.length > 1) {
    throw new UserError(`several YubiKeys are attached (serials ${serials.join(', ')})`, {
      next: 'pass the one to hold the MFA seed with --yubikey-serial SERIAL, or remove the others',
      exitCode: 2,
    });
  }
  serial ??= serials[0];
  const target = { serial, env: options.env };
  const info = await runYkman([...deviceArgs(target), 'oath', 'info'], { what: 'oath info', env: options.env, timeoutMs: 20_000 });
  if (info.code !== 0) {
    throw new UserError(`the YubiKey's OATH application did not answer (${ykmanSaid(info.stderr)})`, {
      next: 'insert the YubiKey (ykman list shows it), then run setup again',
    });
  }
  if (/Password protection:\s*enabled/i.test(info.stdout) && !/password .*is remembered/i.test(info.stdout)) {
    throw new UserError(`the OATH application of YubiKey ${serial ?? ''} is password-protected and ykman does not remember its password`.replace('  ', ' '), {
      next: 'let ykman remember it for your user (ykman oath access remember), so that codes can be read without a prompt, then run setup again',
      exitCode: 2,
    });
  }
  const list = await runYkman([...deviceArgs(target), 'oath', 'accounts', 'list'], { what: 'oath accounts list', env: options.env, timeoutMs: 20_000 });
  if (list.code !== 0) throw new UserError(`ykman could not list the OATH accounts (${ykmanSaid(list.stderr)})`, { next: 'check `ykman oath accounts list`, then run setup again' });
  return { serial, accounts: list.stdout.split('\n').map((l) => l.trim()).filter(Boolean) };
}

/**
 * Writes a TOTP account (SHA-1, 6 digits, 30 s, as AWS's virtual MFA devices) into the key. The
 * seed goes on stdin, never in argv; `replace` overwrites an account of the same id (--force).
 */
export async function addOathAccount(target: YubikeyTarget, accountName: string, seed: string, options: { touch: boolean; replace: boolean }): Promise<void> {
  const args = [
    ...deviceArgs(target),
    'oath', 'accounts', 'add',
    '--oath-type', 'TOTP', '--digits', '6', '--algorithm', 'SHA1', '--period', '30',
    '--issuer', OATH_ISSUER,
    ...(options.touch ? ['--touch'] : []),
    ...(options.replace ? ['--force'] : []),
    accountName,
  ];
  const result = await runYkman(args, { what: 'oath accounts add', env: target.env, input: `${seed}\n`, timeoutMs: 30_000 });
  if (result.code !== 0) {
    throw new UserError(`ykman could not write the MFA seed into the YubiKey (${ykmanSaid(result.stderr)})`, {
      next: 'check the key (ykman oath accounts list), then run setup again',
    });
  }
}

/** Removes an account setup wrote in this run (after a failure, so no useless seed stays on the key). */
export async function deleteOathAccount(target: YubikeyTarget, accountName: string): Promise<boolean> {
  const result = await runYkman([...deviceArgs(target), 'oath', 'accounts', 'delete', '--force', oathAccountId(accountName)], { what: 'oath accounts delete', env: target.env, timeoutMs: 20_000 }).catch(() => undefined);
  return result?.code === 0;
}
