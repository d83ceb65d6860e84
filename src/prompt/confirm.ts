import { askLine, canAsk } from './terminalQuestion.js';

/**
 * A yes/no question. `--yes` answers yes; without a terminal the answer is `otherwise`
 * (never a wait for input that cannot come).
 */
export async function confirm(question: string, options: { yes: boolean; otherwise?: boolean }): Promise<boolean> {
  if (options.yes) return true;
  if (!canAsk()) return options.otherwise ?? false;
  const answer = await askLine(`${question} [y/N] `);
  return /^y(es)?$/i.test(answer);
}
