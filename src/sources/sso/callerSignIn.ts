/**
 * The sign-in credential-process, env and exec start themselves when no SSO token is usable (as
 * aws-vault does on first use), if a person can be reached the way an MFA code is asked for:
 *   a terminal   the controlling terminal (/dev/tty) shows the URL and the code (never stdout, which
 *                carries the credentials, nor only stderr, which credential_process's caller
 *                captures), and the browser opens where there is a display (not over SSH);
 *   a desktop    no terminal but a display (an IDE, a GUI): the browser opens on the verification
 *                page, the code filled in;
 *   neither      (CI, setsid, a service; or ROLEGATE_MFA_PROMPT=off without a terminal) nobody can
 *                approve: resolves false, and the caller says "sign in with `rolegate sso login`".
 * The wait is deviceSignIn's (the device code's life, at most SIGN_IN_WAIT_SECONDS); Ctrl-C exits
 * 130 with nothing written.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { terminalSafe } from '../../terminalText.js';
import { loginCommands, type SsoSession } from './ssoConfig.js';

/** No browser can be opened here: an SSH session, or Linux without a display. */
export function remoteMachine(env: NodeJS.ProcessEnv): boolean {
  if (env.SSH_CONNECTION || env.SSH_TTY) return true;
  return process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY;
}

export function describeSession(session: { name?: string; startUrl: string }): string {
  return session.name !== undefined ? `sso-session ${session.name} (${session.startUrl})` : session.startUrl;
}

export function spellSeconds(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 60)} minutes` : `${seconds} seconds`;
}

function toTerminal(text: string): void {
  let fd: number | undefined;
  try {
    fd = openSync('/dev/tty', 'w');
    writeSync(fd, text.replace(/\r?\n/g, '\r\n'));
  } catch {
    // the terminal went away: stderr is all that is left
    process.stderr.write(text);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The `signIn` of TokenOptions for a caller that serves credentials (credential-process, env, exec). */
export function signInForCaller(env: NodeJS.ProcessEnv, profile: string | undefined) {
  return async (session: SsoSession, beforeWrite: () => void): Promise<boolean> => {
    const { terminalAvailable } = await import('../../prompt/mfaCodeTerminal.js');
    const terminal = terminalAvailable();
    const browser = !remoteMachine(env) && (terminal || (env.ROLEGATE_MFA_PROMPT ?? '').trim().toLowerCase() !== 'off');
    if (!terminal && !browser) return false;
    const say = terminal ? toTerminal : (text: string) => void process.stderr.write(text);
    const [{ deviceSignIn }, { onInterrupt }, { SIGN_IN_WAIT_SECONDS }] = await Promise.all([import('./deviceSignIn.js'), import('../../interrupt.js'), import('./accessToken.js')]);
    const again = loginCommands(session, profile).rolegate;
    let browserOpened: Promise<unknown> = Promise.resolve();
    const stopInterrupt = onInterrupt(() => `The sign-in was not completed; no token was written.\nnext: run the command again, or sign in with \`${again}\``);
    try {
      const result = await deviceSignIn(session, {
        env,
        beforeWrite,
        maxWaitSeconds: SIGN_IN_WAIT_SECONDS,
        report: say,
        present: async (device) => {
          const url = terminalSafe(device.verificationUriComplete ?? device.verificationUri);
          const code = terminalSafe(device.userCode);
          say(`rolegate: ${profile !== undefined ? `profile ${terminalSafe(profile)} needs a sign-in: ` : ''}signing in to IAM Identity Center, ${terminalSafe(describeSession(session))}\n`);
          if (browser) {
            const { openInBrowser } = await import('../../prompt/browserOpener.js');
            say(`rolegate: opening your browser; check that it shows the code ${code}\n  (if it does not open: ${url})\n`);
            // the approval is polled meanwhile; the loopback link waits for the browser 30 s at most
            browserOpened = openInBrowser(device.verificationUriComplete ?? device.verificationUri, { env, waitMs: 30_000 }).catch(() =>
              say(`rolegate: the browser did not open; open ${url} yourself\n`),
            );
          } else {
            say(`rolegate: open this URL in a browser on any machine and approve the code ${code}:\n  ${url}\n`);
          }
          say(`rolegate: waiting up to ${spellSeconds(device.expiresInSeconds)} for the approval (Ctrl-C to stop)\n`);
        },
      });
      const until = new Date(result.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
      say(`rolegate: signed in; the token lasts until ${until}${result.refreshable ? ' and is refreshed silently after that' : ''}\n`);
      // approved elsewhere while the browser never fetched its link: that link's wait (30 s from the opening) ends first
      await browserOpened;
      return true;
    } finally {
      stopInterrupt();
    }
  };
}

