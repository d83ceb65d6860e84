import { badInput } from '../userError.js';

/** Parses `12h`, `90m`, `1h30m`, `3600s` or `3600` (seconds) into seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!match || trimmed === '') throw badInput(`not a duration: ${text}`, 'write it like 12h, 90m, 1h30m or 3600 (seconds)');
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

export { formatRemaining } from '../cache/temporaryCredentials.cjs';
