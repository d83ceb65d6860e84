/**
 * A STAND-IN for a browser behind `xdg-open` (no browser is installed here): installed as
 * `xdg-open` on PATH, it records the arguments it was given, follows the loopback link the way a
 * browser would (first request: expect the redirect), asks for it once more (a one-time link must
 * refuse), and writes what it saw to the JSON file in ROLEGATE_TEST_BROWSER_RECORD. With
 * ROLEGATE_TEST_BROWSER_AS_NOBODY=1 it first tries the link as another user (uid 65534, through
 * setpriv), which must be refused.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const url = args[0] ?? '';
const record: Record<string, unknown> = { argv: args };

async function visit(): Promise<{ status: number; location: string | null }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location') };
}

if (process.env.ROLEGATE_TEST_BROWSER_AS_NOBODY === '1') {
  const script = `fetch(${JSON.stringify(url)}, { redirect: 'manual' }).then((r) => console.log(r.status), (e) => console.log('error ' + e.message))`;
  const other = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { encoding: 'utf8' });
  record.otherUser = other.stdout.trim() || other.stderr.trim();
}
record.first = await visit();
record.second = await visit().catch((error: Error) => ({ error: error.message }));
writeFileSync(process.env.ROLEGATE_TEST_BROWSER_RECORD!, JSON.stringify(record));
