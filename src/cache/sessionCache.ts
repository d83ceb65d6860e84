/**
 * rolegate's own cache of temporary credentials (never a long-term key): one JSON file per entry,
 * mode 0600, in $XDG_CACHE_HOME/rolegate/sessions (0700). Entries:
 *   session-<keyProfile>  GetSessionToken result for the profile holding the key
 *   role-<profile>        AssumeRole result for a store-layout role profile
 * (Guide-layout roles live in the AWS CLI's cache instead; see awsCliCache.ts.)
 */
// fs.promises, read when used: loading node:fs/promises costs the refresh path, which only reads and writes
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { sessionCacheDir, sessionCacheFile } from '../files/rolegatePaths.cjs';
import { readTrustedFile, FileRefusedError as UntrustedFileError } from '../files/checkedFile.cjs';
import { MAX_LIFETIME_MS, parseCredentials, toAwsShape, withinIssuableLifetime, type TemporaryCredentials } from './temporaryCredentials.cjs';

export interface SessionCacheEntry {
  version: 1;
  kind: 'session' | 'role';
  /** session: the key profile; role: the role profile. */
  profile: string;
  mfaSerial: string;
  roleArn?: string;
  durationSeconds?: number;
  /** The identity the credentials belong to, when known (for status). */
  arn?: string;
  createdAt: string;
  credentials: TemporaryCredentials;
}

export const sessionEntryName = (keyProfile: string) => `session-${keyProfile}`;
export const roleEntryName = (profile: string) => `role-${profile}`;

export type EntryRead = { entry?: SessionCacheEntry; warning?: string };

function parseEntry(text: string): SessionCacheEntry | undefined {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const credentials = parseCredentials(raw.Credentials);
  if (raw.version !== 1 || (raw.kind !== 'session' && raw.kind !== 'role') || typeof raw.profile !== 'string' || typeof raw.mfaSerial !== 'string' || !credentials) {
    return undefined;
  }
  const createdAt = typeof raw.createdAt === 'string' ? raw.createdAt : '';
  if (!withinIssuableLifetime(credentials.expiration, MAX_LIFETIME_MS[raw.kind], createdAt)) return undefined; // longer than STS issues
  return {
    version: 1,
    kind: raw.kind,
    profile: raw.profile,
    mfaSerial: raw.mfaSerial,
    roleArn: typeof raw.roleArn === 'string' ? raw.roleArn : undefined,
    durationSeconds: typeof raw.durationSeconds === 'number' ? raw.durationSeconds : undefined,
    arn: typeof raw.arn === 'string' ? raw.arn : undefined,
    createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : '',
    credentials,
  };
}

export async function readSessionEntry(name: string, env: NodeJS.ProcessEnv = process.env): Promise<EntryRead> {
  return readSessionEntryFile(sessionCacheFile(name, env));
}

export async function readSessionEntryFile(path: string): Promise<EntryRead> {
  let text: string | undefined;
  try {
    text = readTrustedFile(path);
  } catch (error) {
    const verb = error instanceof UntrustedFileError ? 'ignoring' : 'cannot read';
    return { warning: `${verb} the cache file ${path}: ${(error as Error).message}` };
  }
  if (text === undefined) return {};
  try {
    const entry = parseEntry(text);
    return entry ? { entry } : { warning: `ignoring the damaged cache file ${path}` };
  } catch {
    return { warning: `ignoring the damaged cache file ${path}` };
  }
}

export async function writeSessionEntry(name: string, entry: SessionCacheEntry, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { writePrivateFile } = await import('../files/privateFile.js');
  const { credentials, ...rest } = entry;
  // a role entry lost to a power cut costs one AssumeRole, so its folder is not fsynced; an MFA session's costs a prompt
  await writePrivateFile(sessionCacheFile(name, env), JSON.stringify({ ...rest, Credentials: toAwsShape(credentials) }, null, 2) + '\n', {
    durable: entry.kind !== 'role',
  });
}

export async function deleteSessionEntry(name: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const path = sessionCacheFile(name, env);
  const existed = await fsp.lstat(path).then(() => true, () => false); // a FIFO or another user's file is removed too
  await fsp.rm(path, { force: true });
  return existed;
}

/** Every entry file in the cache folder, parsed where possible (for status, logout and audit). */
export async function listSessionEntries(env: NodeJS.ProcessEnv = process.env): Promise<Array<{ path: string } & EntryRead>> {
  const dir = sessionCacheDir(env);
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return Promise.all(names.map(async (n) => ({ path: join(dir, n), ...(await readSessionEntryFile(join(dir, n))) })));
}
