/**
 * Where an MFA code comes from: the profile's mfa_process, else the terminal, else a desktop
 * dialog, else a clear failure; always for a TOTP window whose code has not gone to AWS yet
 * (mfaWindow.ts).
 */
import { UserError } from '../userError.js';
import { quotePosix } from '../shellQuote.js';
import type { SessionSpec } from '../config/profileSpec.js';
import { skipTotpWaitForCodes } from './testHooks.js';
import { TOTP_STEP_MS, totpWindow } from './mfaWindow.js';

/** Codes typed at the terminal: after AWS refuses one, the person is asked for the next (3 in all). */
export const TERMINAL_MFA_ATTEMPTS = 3;

export { TOTP_STEP_MS } from './mfaWindow.js';

/** Whether obtainMfaCode will ask the person (so a refused code may be asked for again). */
export function mfaCodeFromPerson(session: SessionSpec): boolean {
  return !session.mfaProcess;
}

/**
 * A code that went out in a request whose answer never came (a 5xx, a dropped connection): AWS
 * may have used it up, so it is never sent again. `reason` says what happened.
 */
export interface SpentMfaCode {
  code: string;
  reason: string;
}

/** A code, and the TOTP window (counter) it is taken to belong to (mfaWindow.ts). */
export interface MfaCodeFor {
  code: string;
  window: number;
}

export function spentCodeText(spent: SpentMfaCode): string {
  return `${spent.reason}; AWS may have used up the MFA code sent with it, and takes each code only once, so a new code is needed`;
}

const USED_WINDOW_TEXT = 'the MFA code of this 30 s window was already sent to AWS, which takes each code only once';

const secondsUntil = (window: number) => Math.max(1, Math.ceil((window * TOTP_STEP_MS - Date.now()) / 1000));

/**
 * A code from a command that prints the code of the current time (mfa_process, --mfa-code-command,
 * ykman), for a window after `usedWindow`: while the current window is used, it waits for the next
 * one, saying so with the seconds, then runs the command with ROLEGATE_TOTP_TIME set to the time
 * the code is wanted for. After `spent`, a command that prints the spent code again is refused.
 */
export async function codeFromCommand(
  command: string,
  env: NodeJS.ProcessEnv,
  options: { usedWindow?: number; spent?: SpentMfaCode; label: string; onNotice?: (message: string) => void },
): Promise<MfaCodeFor> {
  const { runMfaProcess } = await import('../prompt/mfaCodeProcess.js');
  const spent = options.spent;
  const used = options.usedWindow ?? (spent ? totpWindow(Date.now()) : undefined);
  let window = totpWindow(Date.now());
  const mustWait = used !== undefined && window <= used;
  // TEST HOOK: the tests' code sources move their own TOTP clock on to ROLEGATE_TOTP_TIME
  const waitMs = !mustWait || skipTotpWaitForCodes(env) ? 0 : Math.max(0, (used + 1) * TOTP_STEP_MS - Date.now()) + 500;
  // after a lost answer the person is told why the command runs again, even when the window has
  // already turned and there is nothing to wait for
  if (spent || mustWait) {
    const why = spent ? spentCodeText(spent) : USED_WINDOW_TEXT;
    options.onNotice?.(`${why}: running ${options.label} again${waitMs > 0 ? ` in ${Math.ceil(waitMs / 1000)} s, when its code changes` : ' for the next code'}`);
  }
  if (mustWait) {
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    window = Math.max(used + 1, totpWindow(Date.now()));
  }
  // the time named is in `window` itself, the one recorded, even if that window ended meanwhile
  const at = Math.min(Math.max(Date.now(), window * TOTP_STEP_MS + 1000), (window + 1) * TOTP_STEP_MS - 1000);
  const code = await runMfaProcess(command, { env: { ...env, ROLEGATE_TOTP_TIME: String(Math.floor(at / 1000)) } });
  if (spent && code === spent.code) {
    throw new UserError(`${options.label} printed the same MFA code again after its 30 s window had passed, and AWS takes each code only once`, {
      next: `check that ${options.label} prints the code of the current time (and the clock is right), then run the command again`,
    });
  }
  return { code, window };
}

/**
 * A code typed by a person (terminal or desktop dialog). A code typed while the window is one
 * whose code already went to AWS (`usedWindow`) is refused before it is sent, and the person is
 * told to wait for the next code; so is the spent code typed again.
 */
export async function codeFromPerson(
  ask: (note: string) => Promise<string>,
  env: NodeJS.ProcessEnv,
  options: { usedWindow?: number; spent?: SpentMfaCode; note?: string },
): Promise<MfaCodeFor> {
  const { usedWindow, spent } = options;
  const inUsedWindow = () => usedWindow !== undefined && totpWindow(Date.now()) <= usedWindow;
  const waitNote = () => `The code your authenticator shows now was already sent to AWS, which takes each code only once: wait ${secondsUntil(usedWindow! + 1)} s for the next code.`;
  let note = spent ? `${spentCodeText(spent)}: wait for the next code.` : inUsedWindow() ? waitNote() : (options.note ?? '');
  for (let attempt = 0; attempt < TERMINAL_MFA_ATTEMPTS; attempt++) {
    const code = await ask(note);
    if (spent && code === spent.code) {
      note = 'That is the code already sent; wait until your authenticator shows the next one.';
      continue;
    }
    if (inUsedWindow()) {
      // TEST HOOK: the tests' code source hands out the next window's code at once
      if (skipTotpWaitForCodes(env)) return { code, window: usedWindow! + 1 };
      note = `Not sent: ${waitNote().charAt(0).toLowerCase()}${waitNote().slice(1)}`;
      continue;
    }
    return { code, window: totpWindow(Date.now()) };
  }
  throw new UserError('an MFA code of a 30 s window already used was entered again', { next: 'wait until your authenticator shows a new code, then run the command again' });
}

export async function obtainMfaCode(
  session: SessionSpec,
  env: NodeJS.ProcessEnv,
  context: { profile: string; expiredAt?: Date; refusedBefore?: boolean; spent?: SpentMfaCode; usedWindow?: number; onNotice?: (message: string) => void },
): Promise<MfaCodeFor> {
  const { spent, usedWindow } = context;
  if (session.mfaProcess) {
    if (!session.mfaProcessGiven) await (await import('../config/commandSourceTrust.js')).assertCommandSourceTrusted('mfa_process', env);
    return codeFromCommand(session.mfaProcess, env, { usedWindow, spent, label: 'mfa_process', onNotice: context.onNotice });
  }
  const { terminalAvailable, promptMfaCodeOnTerminal } = await import('../prompt/mfaCodeTerminal.js');
  const note = context.refusedBefore ? 'AWS did not accept that code; wait for the next one.' : '';
  if (!terminalAvailable()) {
    // no terminal (an IDE, a GUI, a background job): a desktop dialog, where one can reach a person
    const { desktopPrompt, promptMfaCodeOnDesktop } = await import('../prompt/mfaCodeDesktop.js');
    const dialog = desktopPrompt(env, process.platform, session.mfaPrompt);
    if (dialog) {
      return codeFromPerson((text) => promptMfaCodeOnDesktop(dialog, `${text ? `${text}\n` : ''}MFA code for profile ${context.profile}\n(device ${session.mfaSerial})`, { env }), env, { usedWindow, spent, note });
    }
    const why = context.expiredAt
      ? `the MFA session for profile ${session.keyProfile} expired at ${context.expiredAt.toISOString()} and a new MFA code is needed`
      : `profile ${context.profile} needs an MFA code`;
    throw new UserError(`${why}, but there is no terminal to ask on, no desktop dialog (zenity, kdialog, osascript, PowerShell) and no mfa_process is set`, {
      next: `add \`mfa_process = <a command that prints the current code>\` to profile ${context.profile} in your AWS config, or run \`rolegate env ${quotePosix(context.profile)}\` once from a terminal to start the day's session`,
    });
  }
  return codeFromPerson((text) => promptMfaCodeOnTerminal(session.mfaSerial, { label: `profile ${context.profile}`, note: text ? `${text} ` : undefined }), env, { usedWindow, spent, note });
}
