/** Where an MFA code comes from: the profile's mfa_process, else the terminal, else a desktop dialog, else a clear failure. */
import { UserError } from '../userError.js';
import { quotePosix } from '../shellQuote.js';
import type { SessionSpec } from '../config/profileSpec.js';

/** Codes typed at the terminal: after AWS refuses one, the person is asked for the next (3 in all). */
export const TERMINAL_MFA_ATTEMPTS = 3;

/** Whether obtainMfaCode will ask the person (so a refused code may be asked for again). */
export function mfaCodeFromPerson(session: SessionSpec): boolean {
  return !session.mfaProcess;
}

export async function obtainMfaCode(
  session: SessionSpec,
  env: NodeJS.ProcessEnv,
  context: { profile: string; expiredAt?: Date; refusedBefore?: boolean },
): Promise<string> {
  if (session.mfaProcess) {
    const { runMfaProcess } = await import('../prompt/mfaCodeProcess.js');
    return runMfaProcess(session.mfaProcess, { env });
  }
  const { terminalAvailable, promptMfaCodeOnTerminal } = await import('../prompt/mfaCodeTerminal.js');
  if (!terminalAvailable()) {
    // no terminal (an IDE, a GUI, a background job): a desktop dialog, where one can reach a person
    const { desktopPrompt, promptMfaCodeOnDesktop } = await import('../prompt/mfaCodeDesktop.js');
    const dialog = desktopPrompt(env, process.platform, session.mfaPrompt);
    if (dialog) {
      const refused = context.refusedBefore ? 'AWS did not accept that code; wait for the next one.\n' : '';
      return promptMfaCodeOnDesktop(dialog, `${refused}MFA code for profile ${context.profile}\n(device ${session.mfaSerial})`, { env });
    }
    const why = context.expiredAt
      ? `the MFA session for profile ${session.keyProfile} expired at ${context.expiredAt.toISOString()} and a new MFA code is needed`
      : `profile ${context.profile} needs an MFA code`;
    throw new UserError(`${why}, but there is no terminal to ask on, no desktop dialog (zenity, kdialog, osascript, PowerShell) and no mfa_process is set`, {
      next: `add \`mfa_process = <a command that prints the current code>\` to profile ${context.profile} in your AWS config, or run \`rolegate env ${quotePosix(context.profile)}\` once from a terminal to start the day's session`,
    });
  }
  return promptMfaCodeOnTerminal(session.mfaSerial, {
    label: `profile ${context.profile}`,
    note: context.refusedBefore ? 'AWS did not accept that code; wait for the next one. ' : undefined,
  });
}
