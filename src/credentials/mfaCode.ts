/** Where an MFA code comes from: the profile's mfa_process, else the terminal, else a desktop dialog, else a clear failure. */
import { UserError } from '../userError.js';
import { quotePosix } from '../shellQuote.js';
import type { SessionSpec } from '../config/profileSpec.js';
import { skipTotpWaitForCodes } from './testHooks.js';

/** Codes typed at the terminal: after AWS refuses one, the person is asked for the next (3 in all). */
export const TERMINAL_MFA_ATTEMPTS = 3;

/** TOTP codes change every 30 s; AWS takes each code once. */
export const TOTP_STEP_MS = 30_000;

/** Whether obtainMfaCode will ask the person (so a refused code may be asked for again). */
export function mfaCodeFromPerson(session: SessionSpec): boolean {
  return !session.mfaProcess;
}

/**
 * A code that went out in a request whose answer never came (a 5xx, a dropped connection,
 * throttling): AWS may have used it up, so it is never sent again. `reason` says what happened.
 */
export interface SpentMfaCode {
  code: string;
  reason: string;
}

/** The start of the TOTP window after the one `code` could have come from, seen at `nowMs`. */
export function nextTotpWindow(nowMs: number): number {
  return (Math.floor(nowMs / TOTP_STEP_MS) + 1) * TOTP_STEP_MS;
}

export function spentCodeText(spent: SpentMfaCode): string {
  return `${spent.reason}; AWS may have used up the MFA code sent with it, and takes each code only once, so a new code is needed`;
}

export async function obtainMfaCode(
  session: SessionSpec,
  env: NodeJS.ProcessEnv,
  context: { profile: string; expiredAt?: Date; refusedBefore?: boolean; spent?: SpentMfaCode; onNotice?: (message: string) => void },
): Promise<string> {
  const spent = context.spent;
  if (session.mfaProcess) {
    if (!session.mfaProcessGiven) await (await import('../config/commandSourceTrust.js')).assertCommandSourceTrusted('mfa_process', env);
    const { runMfaProcess } = await import('../prompt/mfaCodeProcess.js');
    if (!spent) return runMfaProcess(session.mfaProcess, { env });
    // The command prints the current code, which until the window turns is the spent one: wait
    // for the next window, then run it again (ROLEGATE_TOTP_TIME says which time the code is for).
    const window = nextTotpWindow(Date.now());
    const waitMs = skipTotpWaitForCodes(env) ? 0 : Math.max(0, window - Date.now()) + 500;
    context.onNotice?.(`${spentCodeText(spent)}: running mfa_process again${waitMs > 0 ? ` in ${Math.ceil(waitMs / 1000)} s, when its code changes` : ' for the next code'}`);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const code = await runMfaProcess(session.mfaProcess, { env: { ...env, ROLEGATE_TOTP_TIME: String(Math.floor(Math.max(window, Date.now()) / 1000) + 1) } });
    if (code === spent.code) {
      throw new UserError('mfa_process printed the same MFA code again after its 30 s window had passed, and AWS takes each code only once', {
        next: 'check that the mfa_process command prints the code of the current time (and the clock is right), then run the command again',
      });
    }
    return code;
  }
  const { terminalAvailable, promptMfaCodeOnTerminal } = await import('../prompt/mfaCodeTerminal.js');
  const refused = context.refusedBefore ? 'AWS did not accept that code; wait for the next one.' : '';
  const askNote = spent ? `${spentCodeText(spent)}: wait for the next code.` : refused;
  // A person may type the spent code again (the app still shows it): that one is not sent.
  const fresh = async (ask: (note: string) => Promise<string>): Promise<string> => {
    let note = askNote;
    for (let attempt = 0; attempt < TERMINAL_MFA_ATTEMPTS; attempt++) {
      const code = await ask(note);
      if (!spent || code !== spent.code) return code;
      note = 'That is the code already sent; wait until your authenticator shows the next one.';
    }
    throw new UserError('the MFA code already sent was entered again', { next: 'wait until your authenticator shows a new code, then run the command again' });
  };
  if (!terminalAvailable()) {
    // no terminal (an IDE, a GUI, a background job): a desktop dialog, where one can reach a person
    const { desktopPrompt, promptMfaCodeOnDesktop } = await import('../prompt/mfaCodeDesktop.js');
    const dialog = desktopPrompt(env, process.platform, session.mfaPrompt);
    if (dialog) {
      return fresh((note) => promptMfaCodeOnDesktop(dialog, `${note ? `${note}\n` : ''}MFA code for profile ${context.profile}\n(device ${session.mfaSerial})`, { env }));
    }
    const why = context.expiredAt
      ? `the MFA session for profile ${session.keyProfile} expired at ${context.expiredAt.toISOString()} and a new MFA code is needed`
      : `profile ${context.profile} needs an MFA code`;
    throw new UserError(`${why}, but there is no terminal to ask on, no desktop dialog (zenity, kdialog, osascript, PowerShell) and no mfa_process is set`, {
      next: `add \`mfa_process = <a command that prints the current code>\` to profile ${context.profile} in your AWS config, or run \`rolegate env ${quotePosix(context.profile)}\` once from a terminal to start the day's session`,
    });
  }
  return fresh((note) => promptMfaCodeOnTerminal(session.mfaSerial, { label: `profile ${context.profile}`, note: note ? `${note} ` : undefined }));
}
