import { writeSync } from 'node:fs';

/**
 * Writes straight to the file descriptor: touching process.stdout would load node's stream
 * machinery (about 20 modules) for a few lines. Falls back to the stream if the descriptor is
 * non-blocking and full (the bytes written so far are not written again).
 */
export function writeOut(fd: 1 | 2, text: string): void {
  const buffer = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
  } catch {
    (fd === 1 ? process.stdout : process.stderr).write(buffer.subarray(offset));
  }
}
