/**
 * The preflight: one check, shared by setup, teardown, rotate and import, that runs before the
 * first AWS change and reports every problem it found at once. Its parts:
 *   - the shared files (and their folders) can be written;
 *   - the key store can be used (the keychain answers; the file store's passphrase opens keys.enc,
 *     or is strong enough for a new one); --plan checks it too, without asking for a passphrase;
 *   - the bootstrap identity is not the read-only user rolegate created;
 *   - (setup) the target profiles are rolegate's, or free: a profile with someone else's
 *     credentials, or a key another setup stored, is never taken over silently.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IAMClient } from '@aws-sdk/client-iam';
import { UserError, type ExitCode } from '../userError.js';
import type { StoreKind, KeyStore } from '../keys/keyStore.js';
import { accessKeys, readUser, userMfaSerials } from './iamReads.js';
import type { SetupContext } from './step.js';
import { isManaged } from '../setups/tags.js';

export interface Problem {
  message: string;
  next?: string;
  /** A refusal (exit 2): rolegate will not do this as asked. Otherwise a failed check (exit 1). */
  refusal?: boolean;
}

/** One error naming every problem, each with its next step; nothing was changed. */
export function preflightError(command: string, problems: Problem[]): UserError {
  const exitCode: ExitCode = problems.some((p) => p.refusal) ? 2 : 1;
  const lines = problems.map((p) => `  - ${p.message}${p.next ? `\n    next: ${p.next}` : ''}`);
  return new UserError(`${command} stopped before changing anything (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
    next: `fix the above and run ${command} again`,
    exitCode,
  });
}

export function throwProblems(command: string, problems: Problem[]): void {
  if (problems.length) throw preflightError(command, problems);
}

function code(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

async function nearestFolder(path: string): Promise<string> {
  let folder = dirname(path);
  for (;;) {
    try {
      if ((await stat(folder)).isDirectory()) return folder;
    } catch {
      // not there yet: the write creates it under its parent
    }
    const parent = dirname(folder);
    if (parent === folder) return folder;
    folder = parent;
  }
}

/** Each file can be replaced atomically: the file is writable (or absent) and its folder too. */
export async function checkWritable(files: string[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const file of files) {
    try {
      const info = await stat(file);
      // even root honours a file its owner marked read-only (as the shared file editor does)
      if (!info.isFile()) problems.push({ message: `${file} is not a regular file`, next: `move it aside`, refusal: true });
      else if ((Number(info.mode) & 0o200) === 0) problems.push({ message: `${file} is read-only`, next: `make it writable (chmod u+w ${file})`, refusal: true });
      else await access(file, constants.W_OK).catch(() => problems.push({ message: `${file} cannot be written`, next: `check its owner and mode`, refusal: true }));
    } catch (error) {
      if (code(error) !== 'ENOENT') problems.push({ message: `cannot check ${file} (${code(error) ?? 'error'})`, next: 'check its folder', refusal: true });
    }
    const folder = await nearestFolder(file);
    try {
      await access(folder, constants.W_OK);
      if (((await stat(folder)).mode & 0o200) === 0) throw new Error('read-only');
    } catch {
      problems.push({ message: `the folder ${folder} (for ${file}) cannot be written`, next: `make it writable (chmod u+w ${folder})`, refusal: true });
    }
  }
  return problems;
}

/**
 * The store a command will save to or remove from can be used: the keychain answers; the file
 * store has its passphrase (from the environment or a terminal) and it opens keys.enc, or is long
 * enough for a new file. The store opened here is returned, so the passphrase is asked once.
 */
export async function checkKeyStore(kind: StoreKind, env: NodeJS.ProcessEnv, purpose: 'save' | { remove: string }): Promise<{ problems: Problem[]; store?: KeyStore }> {
  if (kind === 'plain') return { problems: [] };
  try {
    if (kind === 'file') {
      const { checkFileStorePassphrase, openFileKeyStore, fileStoreProfiles } = await import('../keys/fileKeyStore.js');
      // removing a profile the key file does not name needs no passphrase
      if (purpose !== 'save' && !(await fileStoreProfiles(env)).includes(purpose.remove)) return { problems: [], store: openFileKeyStore(env) };
      await checkFileStorePassphrase(env);
      const store = openFileKeyStore(env);
      await store.prepareSave?.();
      return { problems: [], store };
    }
    const { openKeyStore } = await import('../keys/keyStore.js');
    return { problems: [], store: await openKeyStore(kind, { env }) };
  } catch (error) {
    if (error instanceof UserError) return { problems: [{ message: error.message, next: error.next, refusal: error.exitCode === 2 }] };
    throw error;
  }
}

/**
 * checkKeyStore for --plan: the same checks, but nothing is asked. Without a passphrase in the
 * environment, the file store needs a terminal (the run asks there); with one, it must open keys.enc
 * (or be long enough for a new file).
 */
export async function checkKeyStoreForPlan(kind: StoreKind, env: NodeJS.ProcessEnv): Promise<Problem[]> {
  if (kind === 'file' && !(await import('../keys/passphraseSource.js')).passphraseConfigured(env)) {
    try {
      await (await import('../keys/fileKeyStore.js')).checkFileStorePassphrase(env);
      return [];
    } catch (error) {
      if (error instanceof UserError) return [{ message: error.message, next: error.next, refusal: error.exitCode === 2 }];
      throw error;
    }
  }
  return (await checkKeyStore(kind, env, 'save')).problems;
}

/**
 * The bootstrap identity is not the read-only user rolegate created: its rights are not enough,
 * and the fix is the bootstrap admin, never more rights for that user.
 */
export async function checkBootstrapIdentity(iam: IAMClient, callerArn: string, command: string): Promise<Problem[]> {
  const name = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:[^/]+\/)*([^/]+)$/.exec(callerArn)?.[1];
  if (!name) return [];
  let tags;
  try {
    tags = (await readUser(iam, name))?.Tags;
  } catch {
    return []; // a caller that may not read itself is not the read-only user (SecurityAudit may)
  }
  if (!isManaged(tags)) return [];
  return [
    {
      message: `the credentials ${command} runs with belong to ${callerArn}, the read-only user rolegate created (tagged managed-by=rolegate)`,
      next: `run ${command} with the bootstrap admin's credentials: --bootstrap-profile PROFILE, a profile holding an administrator (or root) key; never give the read-only user more rights`,
      refusal: true,
    },
  ];
}

/** What setup's preflight found: problems, and what it decided for the steps. */
export interface SetupPreflight {
  problems: Problem[];
  store?: KeyStore;
  adopted: Map<string, Record<string, string>>;
  replacements: { profile: string; accessKeyId: string; userName?: string }[];
}

/**
 * Setup's preflight: every check above, plus the target profiles (see profileOwnership.ts). Reads
 * only: IAM reads, the shared files, the key file. With `plan`, nothing is asked for.
 */
export async function setupPreflight(ctx: SetupContext, plan: boolean): Promise<SetupPreflight> {
  const o = ctx.options;
  const [{ readSharedProfiles }, { sharedFilePaths }, { keyFilePath }, { profileRecord, profilesBeforePath }, { desiredLayout }, ownership, { fileStoreProfiles }] =
    await Promise.all([
      import('../config/profiles.js'),
      import('../config/sharedFilePaths.js'),
      import('../files/rolegatePaths.cjs'),
      import('./profilesBefore.js'),
      import('./steps/profiles.js'),
      import('./profileOwnership.js'),
      import('../keys/fileKeyStore.js'),
    ]);
  const shared = await readSharedProfiles(ctx.env);
  const paths = sharedFilePaths(ctx.env);
  const targets = [o.readProfile, o.adminProfile];
  const writesCredentials = o.store === 'plain' || targets.some((p) => shared.credentials.get(p)?.aws_access_key_id !== undefined);
  const problems: Problem[] = await checkWritable([
    paths.configFile,
    ...(writesCredentials ? [paths.credentialsFile] : []),
    profilesBeforePath(ctx.env),
    ...(o.store === 'file' && o.identity !== 'console' ? [keyFilePath(ctx.env)] : []),
  ]);
  problems.push(...(await checkBootstrapIdentity(ctx.iam, ctx.callerArn, 'setup')));

  // --mfa-device yubikey: ykman runs and one key answers, before anything else depends on it
  if (o.mfaDevice === 'yubikey') {
    const { inspectYubikey, yubikeyCodeCommand } = await import('../prompt/yubikeyOath.js');
    try {
      const found = await inspectYubikey({ serial: o.yubikeySerial, env: ctx.env });
      ctx.state.yubikey = { ...found, command: yubikeyCodeCommand(found, `${o.userName}@${ctx.names.account}`) };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push({ message: error.message, next: error.next, refusal: error.exitCode === 2 });
    }
  }

  const userExists = (await readUser(ctx.iam, o.userName)) !== undefined;
  const userKeyIds = userExists ? (await accessKeys(ctx.iam, o.userName)).map((k) => k.AccessKeyId!) : [];
  const mfaSerials = new Set([ctx.names.mfaSerial, ...(userExists ? await userMfaSerials(ctx.iam, o.userName) : [])]);
  const layout = await desiredLayout(ctx, shared);
  const identity = { roleArn: ctx.names.roleArn, mfaSerials, readProfile: o.readProfile };
  const records = await Promise.all(targets.map((p) => profileRecord(ctx.env, paths.configFile, p)));
  const foreign = ownership.checkForeignProfiles(
    shared,
    paths.configFile,
    targets.map((profile, i) => ({ profile, wanted: layout.get(profile) ?? {}, record: records[i] })),
    identity,
    o.adopt,
  );
  problems.push(...foreign.problems);

  // keys setup would replace or remove: a key in the credentials file under a target profile, and
  // the read profile's stored key when the profile points at another setup's MFA device
  const risks: import('./profileOwnership.js').KeyAtRisk[] = [];
  for (const profile of targets) {
    const id = shared.credentials.get(profile)?.aws_access_key_id;
    if (typeof id === 'string') risks.push({ profile, where: `[${profile}] in ${paths.credentialsFile}`, accessKeyId: id });
  }
  const storedIn = ownership.storedKeyEvidence(shared, o.readProfile, await fileStoreProfiles(ctx.env));
  const serial = shared.config.get(o.readProfile)?.mfa_serial;
  if (storedIn && typeof serial === 'string' && !mfaSerials.has(serial)) {
    risks.push({ profile: o.readProfile, where: `${ownership.section(o.readProfile)} (key in the ${storedIn} store)`, otherSerial: serial });
  }
  let store: KeyStore | undefined;
  if (o.identity === 'console') {
    // --identity console makes no access key: no store to open
  } else if (plan) {
    // the plan checks the store as the run would, without asking for anything: the keychain
    // answers; the file store has a passphrase that opens keys.enc, or a terminal to ask on
    problems.push(...(await checkKeyStoreForPlan(o.store, ctx.env)));
  } else {
    const checked = await checkKeyStore(o.store, ctx.env, 'save');
    problems.push(...checked.problems);
    store = checked.store;
    // the store is open now: name the key (and, with --replace-key, know what to delete)
    for (const risk of risks) {
      if (!risk.accessKeyId && store && storedIn === o.store) risk.accessKeyId = (await store.load(risk.profile).catch(() => undefined))?.accessKeyId;
    }
  }
  const keys = await ownership.checkKeysAtRisk(ctx.iam, risks, { userKeyIds, bootstrapKeyId: ctx.bootstrapKeyId, replaceKey: Boolean(o.replaceKey), userName: o.userName });
  problems.push(...keys.problems);
  return { problems, store, adopted: foreign.adopted, replacements: keys.replacements };
}
