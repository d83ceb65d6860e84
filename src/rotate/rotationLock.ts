/**
 * One rotation at a time per machine: an exclusive lock file holding the owner's pid. A lock left
 * by a killed process (its pid no longer runs) is taken over at once, so a rerun right after a
 * SIGKILL does not wait for a staleness timeout.
 */
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../userError.js';
import { configDir } from './journal.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireRotationLock(env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'rotate.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside, then linked into place: the lock never exists without its pid.
    const temp = `${path}.${process.pid}`;
    await writeFile(temp, String(process.pid), { mode: 0o600 });
    try {
      await link(temp, path);
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(temp, { force: true });
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new UserError(`another rolegate rotate is running (pid ${owner})`, {
        next: `wait for it to finish; if no rotate is running, delete ${path} and run rolegate rotate again`,
      });
    }
    // The owner is gone: the lock is stale.
    await rm(path, { force: true });
  }
  throw new UserError(`could not take the rotation lock ${path}`, { next: `delete ${path} and run rolegate rotate again` });
}
