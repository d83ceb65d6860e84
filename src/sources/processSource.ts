/**
 * Another tool's credential_process (kind 'process'): the command the profile names, split as
 * botocore splits it (shlex) and run without a shell, after config/commandSourceTrust.ts has found
 * the shared files the user's own. Its stderr is passed through (it may ask or explain); its stdout
 * must be the credential_process contract's JSON (Version 1, AccessKeyId, SecretAccessKey, and
 * SessionToken with Expiration for temporary credentials); it may run 2 minutes at most.
 *
 * Temporary credentials are cached in rolegate's session cache (process-<profile>.json, the command
 * recorded beside them), under one lock, so N callers started together run the command once.
 * Credentials without an Expiration are served as they are and never cached.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { ProcessSpec } from '../config/profileSpec.js';
import { sessionCacheFile } from '../files/rolegatePaths.cjs';
import { readTrustedFile } from '../files/checkedFile.cjs';
import { isFresh, NO_EXPIRY, parseCredentials, requiredRemainingMs, toAwsShape, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { UserError } from '../userError.js';
import type { CredentialSource, SourceLookup } from './credentialSource.js';

/** How long the command may run (it may ask a person for something on its own terminal). */
export const PROCESS_TIMEOUT_MS = 120_000;
/** Most output a credential_process may print. */
const MAX_OUTPUT_BYTES = 64 * 1024;

const entryName = (profile: string) => `process-${profile}`;

interface ProcessEntry {
  credentials: TemporaryCredentials;
  createdAt: string;
}

function readEntry(spec: ProcessSpec, env: NodeJS.ProcessEnv): { entry?: ProcessEntry; warning?: string; path: string } {
  const path = sessionCacheFile(entryName(spec.profile), env);
  try {
    const text = readTrustedFile(path);
    if (text === undefined) return { path };
    const raw = JSON.parse(text) as { kind?: unknown; command?: unknown; createdAt?: unknown; Credentials?: unknown };
    const credentials = parseCredentials(raw.Credentials);
    // made by another command (the profile changed since): not this profile's credentials
    if (raw.kind !== 'process' || raw.command !== spec.command || !credentials) return { path };
    return { path, entry: { credentials, createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : '' } };
  } catch (error) {
    return { path, warning: `ignoring the cache file ${path}: ${(error as Error).message}` };
  }
}

function lookup(spec: ProcessSpec, env: NodeJS.ProcessEnv, now: number, wantedMs?: number): SourceLookup {
  const { entry, warning, path } = readEntry(spec, env);
  const result: SourceLookup = { path, warnings: warning ? [warning] : [] };
  if (!entry) return result;
  result.found = entry.credentials;
  const created = Date.parse(entry.createdAt);
  const lifetimeMs = Number.isNaN(created) ? undefined : entry.credentials.expiration.getTime() - created;
  const requiredMs = requiredRemainingMs(lifetimeMs, wantedMs);
  if (isFresh(entry.credentials.expiration, now, requiredMs)) Object.assign(result, { credentials: entry.credentials, requiredMs, lifetimeMs });
  return result;
}

/** Parses and checks the command's output (the credential_process contract). */
export function parseProcessOutput(profile: string, stdout: string): TemporaryCredentials {
  const bad = (what: string) =>
    new UserError(`the credential_process of profile ${profile} printed ${what}`, { next: `run the command of profile ${profile} by hand and check that it prints {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ..., "Expiration": ...}` });
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw bad('something that is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('JSON that is not an object');
  if (raw.Version !== 1) throw bad(`Version ${JSON.stringify(raw.Version)}; only Version 1 is defined`);
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = raw;
  if (typeof AccessKeyId !== 'string' || AccessKeyId === '' || typeof SecretAccessKey !== 'string' || SecretAccessKey === '') throw bad('no AccessKeyId or SecretAccessKey');
  if (SessionToken !== undefined && typeof SessionToken !== 'string') throw bad('a SessionToken that is not a string');
  // without an expiration (or a token) they are served as they are, never cached
  if (Expiration === undefined || !SessionToken) return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: (SessionToken as string | undefined) ?? '', expiration: NO_EXPIRY, noExpiry: true };
  const credentials = typeof Expiration === 'string' ? parseCredentials({ AccessKeyId, SecretAccessKey, SessionToken, Expiration }) : undefined;
  if (!credentials) throw bad('an Expiration that is not an ISO 8601 time');
  if (credentials.expiration.getTime() <= Date.now()) throw bad(`credentials that expired at ${Expiration}`);
  return credentials;
}

/** Runs the command: no shell, stderr passed through, stdout bounded, at most PROCESS_TIMEOUT_MS. */
async function runCommand(spec: ProcessSpec, env: NodeJS.ProcessEnv): Promise<string> {
  const [{ shlexSplit }, { childEnv }] = await Promise.all([import('../config/shlexSplit.js'), import('../childEnv.cjs')]);
  let words: string[];
  try {
    words = shlexSplit(spec.command);
  } catch (error) {
    throw new UserError(`the credential_process of profile ${spec.profile} cannot be split into words: ${(error as Error).message}`, { exitCode: 2, next: `fix the quoting of credential_process in profile ${spec.profile}` });
  }
  if (words.length === 0) throw new UserError(`the credential_process of profile ${spec.profile} is empty`, { exitCode: 2, next: `fix credential_process of profile ${spec.profile}` });
  return new Promise((resolve, reject) => {
    const child = spawn(words[0]!, words.slice(1), { env: childEnv(env), stdio: ['inherit', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Error | undefined, out?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(out!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      finish(new UserError(`the credential_process of profile ${spec.profile} gave no answer within ${PROCESS_TIMEOUT_MS / 1000} s and was stopped`, { next: `run the command of profile ${spec.profile} by hand to see where it waits` }));
    }, PROCESS_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        child.kill('SIGTERM');
        finish(new UserError(`the credential_process of profile ${spec.profile} printed more than ${MAX_OUTPUT_BYTES} bytes`, { next: `check the command of profile ${spec.profile}` }));
      } else chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(new UserError(`the credential_process of profile ${spec.profile} could not be started (${error.code ?? error.message}): ${words[0]}`, { next: `install ${words[0]} or fix credential_process of profile ${spec.profile}` })),
    );
    child.on('close', (code, signal) => {
      if (code === 0) finish(undefined, Buffer.concat(chunks).toString('utf8'));
      else finish(new UserError(`the credential_process of profile ${spec.profile} failed (${signal ? `signal ${signal}` : `exit ${code}`}); its own message is above`, { next: `run the command of profile ${spec.profile} by hand to see why` }));
    });
  });
}

async function obtain(spec: ProcessSpec, env: NodeJS.ProcessEnv): Promise<TemporaryCredentials> {
  const { assertCommandSourceTrusted } = await import('../config/commandSourceTrust.js');
  await assertCommandSourceTrusted('credential_process', env);
  return parseProcessOutput(spec.profile, await runCommand(spec, env));
}

export const processSource: CredentialSource<'process'> = {
  kind: 'process',
  lookup: async (spec, env, now, wantedMs) => lookup(spec.process, env, now, wantedMs),
  async resolve(spec, _shared, options) {
    const env = options.env ?? process.env;
    const first = lookup(spec.process, env, Date.now(), options.wantedMs);
    if (first.credentials) return first.credentials;
    for (const warning of first.warnings) options.onWarning?.(warning);
    const [{ withLock }, { lockFile }, { writePrivateFile }] = await Promise.all([import('../files/refreshLock.js'), import('../files/rolegatePaths.cjs'), import('../files/privateFile.js')]);
    return withLock(
      lockFile(entryName(spec.profile), env),
      async () => {
        const again = lookup(spec.process, env, Date.now(), options.wantedMs);
        if (again.credentials) return again.credentials;
        const createdAt = new Date().toISOString();
        const credentials = await obtain(spec.process, env);
        if (!credentials.noExpiry && credentials.sessionToken) {
          const entry = { version: 1, kind: 'process', profile: spec.profile, command: spec.process.command, createdAt, Credentials: toAwsShape(credentials) };
          await writePrivateFile(again.path!, JSON.stringify(entry, null, 2) + '\n');
        }
        return credentials;
      },
      { onWait: options.onWait },
    );
  },
  async status(spec, _shared, env, now) {
    const [{ linkFromLookup }] = await Promise.all([import('./credentialSource.js')]);
    const found = lookup(spec.process, env, now);
    return { type: 'credential_process', from: spec.process.command, links: [linkFromLookup('credentials', found, now)], ...(found.credentials ? { usable: found.credentials } : {}) };
  },
  async logout(spec, _shared, env) {
    const found = lookup(spec.process, env, Date.now());
    await rm(found.path!, { force: true });
    return found.found ? [found.path!] : [];
  },
  console: () => ({ kind: 'federate' }),
  renewal: 'silently',
};
