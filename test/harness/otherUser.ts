/**
 * Tests that act as a second user (root runs Node as uid 4343) need that user to reach Node and the
 * files it runs. A checkout inside a folder closed to others (`mktemp -d` makes 0700 folders) cannot
 * be reached, and the run failed with "Cannot find module": such a test now says why it cannot run
 * here and is skipped, as it is when the suite does not run as root.
 */
import { spawnSync } from 'node:child_process';

export const OTHER_USER = 4343;

/** Why `uid` cannot run `process.execPath` on `files` here (a skip reason), or false when it can. */
export function otherUserCannotRun(files: string[], uid = OTHER_USER): string | false {
  if (process.getuid?.() !== 0) return 'needs root to act as two users';
  const reachable = ['-x', process.execPath, ...files.flatMap((file) => ['-a', '-r', file])];
  const probe = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'test', ...reachable], { stdio: 'ignore' });
  if (probe.error) return 'needs setpriv (util-linux) to act as another user';
  if (probe.status === 0) return false;
  return `uid ${uid} cannot reach ${[process.execPath, ...files].join(' or ')}: a folder on the way is closed to other users (make the checkout's folders 0755 to run this test)`;
}
