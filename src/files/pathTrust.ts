/**
 * Whether a file can be trusted to hold commands rolegate runs (mfa_process), as ssh's StrictModes
 * decides for authorized_keys: the file and every folder above it, up to HOME (else up to /), belong
 * to the user or root and are not writable by group or others. A sticky folder (/tmp) that is
 * writable by all is fine: nobody else can rename or replace what is in it. The path is checked as
 * written and, when a link leads elsewhere, as resolved. On Windows there is nothing to check.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { quotePosix } from '../shellQuote.js';

export interface TrustProblem {
  path: string;
  directory: boolean;
  /** `owner`: another user's; `writable`: group or others may write it. */
  kind: 'owner' | 'writable';
  owner: number;
  mode: number;
}

const STICKY = 0o1000;

function currentUid(): number | undefined {
  return process.platform === 'win32' ? undefined : process.getuid?.();
}

async function realOrSelf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** The folders above `file`, nearest first, up to and with `home` (or up to /). */
function foldersAbove(file: string, home: string | undefined): string[] {
  const folders: string[] = [];
  let current = dirname(file);
  for (;;) {
    folders.push(current);
    if (current === home) break;
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return folders;
}

async function problemsOf(path: string, uid: number, directory: boolean): Promise<TrustProblem[]> {
  let info;
  try {
    info = directory ? await stat(path) : await lstat(path);
  } catch {
    return [];
  }
  if (!directory && info.isSymbolicLink()) return [];
  const mode = info.mode & 0o7777;
  const problems: TrustProblem[] = [];
  if (info.uid !== uid && info.uid !== 0) problems.push({ path, directory, kind: 'owner', owner: info.uid, mode });
  if ((mode & 0o022) !== 0 && !(directory && (mode & STICKY) !== 0)) problems.push({ path, directory, kind: 'writable', owner: info.uid, mode });
  return problems;
}

/** What is wrong with trusting `file`, folder by folder; [] when it can be trusted (or does not exist). */
export async function pathTrustProblems(file: string, env: NodeJS.ProcessEnv = process.env): Promise<TrustProblem[]> {
  const uid = currentUid();
  if (uid === undefined) return [];
  const given = resolve(file);
  const home = env.HOME ? await realOrSelf(resolve(env.HOME)) : undefined;
  const homeAsGiven = env.HOME ? resolve(env.HOME) : undefined;
  const real = await realOrSelf(given);
  const seen = new Set<string>();
  const problems: TrustProblem[] = [];
  const check = async (path: string, directory: boolean) => {
    if (seen.has(path)) return;
    seen.add(path);
    problems.push(...(await problemsOf(path, uid, directory)));
  };
  await check(real, false);
  for (const folder of foldersAbove(given, homeAsGiven)) await check(folder, true);
  for (const folder of foldersAbove(real, home)) await check(folder, true);
  return problems;
}

export function describeTrustProblem(problem: TrustProblem): string {
  const mode = problem.mode.toString(8).padStart(4, '0');
  return problem.kind === 'owner'
    ? `${problem.path} belongs to another user (uid ${problem.owner}), not to you or root`
    : `${problem.path} is writable by ${problem.mode & 0o002 ? 'other users' : 'its group'} (mode ${mode})`;
}

/**
 * A command that removes the problem when run by the user: `chmod go-w` for a folder or file of
 * theirs; for another user's file, a copy of it that is theirs (the original kept aside to compare);
 * for another user's folder, the same with the folder.
 */
export function trustFix(problem: TrustProblem): string {
  const p = quotePosix(problem.path);
  const aside = quotePosix(`${problem.path}.untrusted`);
  if (problem.kind === 'writable' && problem.owner === currentUid()) return `chmod go-w ${p}`;
  if (!problem.directory) return `mv ${p} ${aside} && (umask 077 && cp ${aside} ${p})   # then read ${p}: remove any mfa_process or credential_process you did not write`;
  return `mv ${p} ${aside} && mkdir -m 700 ${p} && cp -R ${aside}/. ${p}/   # then read the files in ${p}: remove any command you did not write`;
}
