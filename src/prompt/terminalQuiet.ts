/**
 * Whatever animates the terminal (setup's spinner) registers here, and every question pauses it
 * while it is open: a spinner redrawing its line would hide a prompt, including one opened on
 * /dev/tty (the key file's passphrase, an MFA code), and the person would see only the spinner.
 */
export interface TerminalAnimation {
  pause(): void;
  resume(): void;
}

const animations = new Set<TerminalAnimation>();

/** Registers an animation; returns the function that unregisters it. */
export function registerAnimation(animation: TerminalAnimation): () => void {
  animations.add(animation);
  return () => void animations.delete(animation);
}

/** Runs a question with every registered animation paused, and resumes them afterwards. */
export async function whileQuiet<T>(ask: () => Promise<T>): Promise<T> {
  const paused = [...animations];
  for (const animation of paused) animation.pause();
  try {
    return await ask();
  } finally {
    for (const animation of paused) if (animations.has(animation)) animation.resume();
  }
}
