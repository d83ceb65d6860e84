/** The browser stand-in (browserStandIn.ts) installed as `xdg-open` in a sandbox's HOME, and the record it leaves. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutable } from './credFixture.js';

/** `bin` goes first on the command's PATH; `record` is the file to name in ROLEGATE_TEST_BROWSER_RECORD. */
export function installBrowserStandIn(home: string): { bin: string; record: string } {
  const bin = join(home, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = fileURLToPath(new URL('./browserStandIn.js', import.meta.url));
  makeExecutable(join(bin, 'xdg-open'), `#!/bin/sh\nexec '${process.execPath}' '${script}' "$@"\n`);
  return { bin, record: join(home, 'browser.json') };
}

/** What the stand-in saw; it writes its record after its second visit, which may come after rolegate ended (waited for: 30 s at most). */
export async function browserRecord(path: string): Promise<Record<string, any>> {
  for (let i = 0; i < 300 && !existsSync(path); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return JSON.parse(readFileSync(path, 'utf8'));
}
