/**
 * MFA codes from a desktop dialog, for when no terminal can be opened (an IDE, a GUI, a background
 * job calling credential_process): zenity or kdialog under X11/Wayland, osascript on macOS,
 * PowerShell's input box on Windows. ROLEGATE_MFA_PROMPT, else the profile's rolegate_mfa_prompt,
 * picks one: `auto` (the default: the first
 * available), `zenity`, `kdialog`, `osascript`, `powershell`, or `off` (no dialog). The question
 * reaches the dialog through its environment (ROLEGATE_PROMPT_TEXT) where the program can read it
 * there, and the answer comes back on its stdout; the code is never on a command line.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError, badInput } from '../userError.js';

export const DESKTOP_PROMPTS = ['zenity', 'kdialog', 'osascript', 'powershell'] as const;
export type DesktopPrompt = (typeof DESKTOP_PROMPTS)[number];

const ENDING_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How long the dialog waits for the person. */
export const DESKTOP_PROMPT_TIMEOUT_MS = 120_000;

function onPath(file: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, file), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function usable(kind: DesktopPrompt, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  switch (kind) {
    case 'zenity':
    case 'kdialog':
      return platform !== 'win32' && platform !== 'darwin' && Boolean(env.DISPLAY || env.WAYLAND_DISPLAY) && onPath(kind, env);
    case 'osascript':
      return platform === 'darwin';
    case 'powershell':
      return platform === 'win32';
  }
}

/** The dialog to use, or undefined (none wanted, or none can reach a person here). */
export function desktopPrompt(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, profileSetting?: string): DesktopPrompt | undefined {
  const setting = (env.ROLEGATE_MFA_PROMPT || profileSetting || 'auto').trim().toLowerCase();
  if (setting === 'off') return undefined;
  if (setting === 'auto' || setting === '') return DESKTOP_PROMPTS.find((kind) => usable(kind, env, platform));
  if (!(DESKTOP_PROMPTS as readonly string[]).includes(setting)) {
    const where = env.ROLEGATE_MFA_PROMPT ? 'ROLEGATE_MFA_PROMPT' : 'rolegate_mfa_prompt';
    throw badInput(`${where}=${setting} is not a prompt rolegate knows`, `use one of: auto, off, ${DESKTOP_PROMPTS.join(', ')}`);
  }
  return usable(setting as DesktopPrompt, env, platform) ? (setting as DesktopPrompt) : undefined;
}

function dialogCommand(kind: DesktopPrompt): [string, string[]] {
  switch (kind) {
    case 'zenity':
      return ['zenity', ['--entry', '--title=rolegate', '--text', '\u0000TEXT', `--timeout=${DESKTOP_PROMPT_TIMEOUT_MS / 1000}`]];
    case 'kdialog':
      return ['kdialog', ['--title', 'rolegate', '--inputbox', '\u0000TEXT']];
    case 'osascript':
      return [
        'osascript',
        ['-e', 'display dialog (system attribute "ROLEGATE_PROMPT_TEXT") default answer "" with title "rolegate" buttons {"Cancel", "OK"} default button "OK"', '-e', 'text returned of result'],
      ];
    case 'powershell':
      return [
        'powershell.exe',
        ['-NoProfile', '-NonInteractive', '-Command', "Add-Type -AssemblyName Microsoft.VisualBasic; [Microsoft.VisualBasic.Interaction]::InputBox($env:ROLEGATE_PROMPT_TEXT, 'rolegate')"],
      ];
  }
}

/** zenity reads --text as Pango markup: a profile name with & or < must not break it. */
const markup = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The program and its arguments for one dialog kind. */
export function dialogArguments(kind: DesktopPrompt, text: string): [string, string[]] {
  const [file, template] = dialogCommand(kind);
  return [file, template.map((arg) => (arg === '\u0000TEXT' ? (kind === 'zenity' ? markup(text) : text) : arg))];
}

/**
 * Asks for the code in a dialog. zenity and kdialog take the question only as an argument: it names
 * the profile and the MFA device, nothing secret. Cancel (or closing the dialog) is an error.
 */
export async function promptMfaCodeOnDesktop(kind: DesktopPrompt, text: string, options: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  const { spawn } = await import('node:child_process');
  const { childEnv } = await import('../childEnv.cjs');
  const [file, args] = dialogArguments(kind, text);
  const timeoutMs = options.timeoutMs ?? DESKTOP_PROMPT_TIMEOUT_MS;
  const outcome = await new Promise<{ code: number | null; stdout: string; timedOut: boolean } | { error: Error }>((resolve) => {
    const child = spawn(file, args, { env: { ...childEnv(options.env), ROLEGATE_PROMPT_TEXT: text }, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    let timedOut = false;
    // the dialog must not outlive rolegate: closed on exit, and on a signal that ends rolegate
    const killOnExit = () => child.kill('SIGTERM');
    const onSignal = (signal: NodeJS.Signals) => {
      child.kill('SIGTERM');
      stopWatching();
      process.kill(process.pid, signal);
    };
    const stopWatching = () => {
      process.removeListener('exit', killOnExit);
      for (const signal of ENDING_SIGNALS) process.removeListener(signal, onSignal);
    };
    process.once('exit', killOnExit);
    for (const signal of ENDING_SIGNALS) process.once(signal, onSignal);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs + 2_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(0, 200)));
    child.once('error', (error) => {
      clearTimeout(timer);
      stopWatching();
      resolve({ error });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      stopWatching();
      resolve({ code, stdout, timedOut });
    });
  });
  if ('error' in outcome) throw new UserError(`could not open the MFA code dialog (${file}: ${outcome.error.message})`, { next: 'set ROLEGATE_MFA_PROMPT=off and add mfa_process to the profile, or run the command from a terminal' });
  // zenity ends with 5 at its own --timeout
  if (outcome.timedOut || (kind === 'zenity' && outcome.code === 5)) {
    throw new UserError(`no MFA code was entered in the dialog within ${Math.round(timeoutMs / 1000)} s`, { next: 'run the command again and type the code your authenticator app shows' });
  }
  const answer = outcome.stdout.trim();
  if (outcome.code !== 0 || answer === '') {
    throw new UserError('the MFA code dialog was cancelled', { next: 'run the command again and type the code, or run it from a terminal' });
  }
  if (!/^\d{6}$/.test(answer)) throw new UserError('the dialog answer is not a 6-digit MFA code', { next: 'run the command again and type the 6 digits your authenticator app shows' });
  return answer;
}
