/**
 * `rolegate rotate [PROFILE]` below the CLI: finds the profile's store and key, takes the rotation
 * lock, settles a rotation that an earlier run left unfinished, then rotates through the admin role.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KeyStore } from '../keys/keyStore.js';
import { UserError } from '../userError.js';
import { adminRoleCredentials } from './adminCredentials.js';
import { iamKeyOperations } from './iamKeys.js';
import { clearRotation, readRotation, writeRotation } from '../setups/rotationJournal.js';
import { proveKeyWorks, userNameOfKey } from './keyIdentity.js';
import { rotateKey, settleRotation, type RotateResult, type RotationDeps, type SettleResult } from './rotation.js';
import { acquireRotationLock } from './rotationLock.js';
import { openProfileStore } from './storedKey.js';
import type { RotationEntry } from '../setups/rotationJournal.js';
import { testPausePoint } from '../setup/testHooks.js';

/** Test hook: the process SIGKILLs itself right after the named step (see rotation.ts checkpoints). */
const KILL_AFTER_STEP_VARIABLE = 'ROLEGATE_TEST_KILL_AFTER_STEP';

export interface RotateProfileOptions {
  profile: string;
  adminProfile: string;
  store?: string;
  userName?: string;
  deleteInactive: boolean;
  mfaCodeCommand?: string;
  env: NodeJS.ProcessEnv;
  log(message: string): void;
  /** Asks before anything changes; false = stop with nothing changed. */
  confirm(question: string): Promise<boolean>;
  proofTimeoutMs?: number;
  /** Kept up to date as the rotation goes, for the message an interruption prints. */
  progress?: RotationProgress;
}

/** Where a rotation stands: what the journal says, which key the store holds, the last checkpoint. */
export interface RotationProgress {
  entry?: RotationEntry;
  storedAccessKeyId?: string;
  /** The last point passed (a journal step, or `created-unjournaled`, `stored-unjournaled`, `deleted`). */
  point?: string;
  /** The journal entry was cleared: the rotation (or the settling of an earlier one) is complete. */
  cleared?: boolean;
}

export interface RotateReport {
  profile: string;
  store: string;
  userName: string;
  /** `rotated`: a new key replaced the old one. `finished`: an interrupted rotation was completed. */
  outcome: 'rotated' | 'finished';
  oldAccessKeyId: string;
  newAccessKeyId: string;
  deletedInactiveAccessKeyIds: string[];
  /** What was done about a rotation an earlier run left unfinished, if there was one. */
  interrupted: SettleResult | null;
}

export async function rotateProfile(options: RotateProfileOptions): Promise<RotateReport> {
  const { profile, env } = options;
  const store: KeyStore = await openProfileStore(profile, env, options.store);
  const progress = options.progress ?? {};
  const release = await acquireRotationLock(env);
  try {
    const pending = await readRotation(profile, env);
    const initial = await store.load(profile);
    progress.storedAccessKeyId = initial?.accessKeyId;
    if (!initial) {
      throw new UserError(`profile ${profile} has no key in the ${store.kind} store`, {
        next: 'run rolegate setup to create and store the key, or name the store with --store',
      });
    }

    let iamClient: Promise<IAMClient> | undefined;
    const adminIam = () =>
      (iamClient ??= (async () => {
        const credentials = await adminRoleCredentials({
          adminProfile: options.adminProfile,
          mfaCodeCommand: options.mfaCodeCommand,
          env,
          log: options.log,
        });
        const { createIamClient } = await import('../aws/iamClient.js');
        return createIamClient({ credentials, env });
      })());

    const killAfter = globalThis.ROLEGATE_TEST_HOOKS === false ? undefined : env[KILL_AFTER_STEP_VARIABLE];
    const deps: RotationDeps = {
      iam: iamKeyOperations(adminIam),
      prove: (key, userName) => proveKeyWorks(key, userName, { env, log: options.log, timeoutMs: options.proofTimeoutMs }),
      loadStored: () => store.load(profile),
      saveStored: async (key) => {
        await store.save(profile, key);
        progress.storedAccessKeyId = key.accessKeyId;
      },
      journal: {
        read: () => readRotation(profile, env),
        write: async (entry) => {
          await writeRotation(entry, env);
          progress.entry = { ...entry };
          progress.cleared = false;
        },
        clear: async () => {
          await clearRotation(profile, env);
          progress.cleared = true;
        },
      },
      log: options.log,
      checkpoint: async (name) => {
        progress.point = name;
        if (killAfter && killAfter === name) process.kill(process.pid, 'SIGKILL');
        await testPausePoint(env, `rotate:${name}`);
      },
    };

    const finishing = pending?.newAccessKeyId !== undefined && pending.newAccessKeyId === initial.accessKeyId;
    const userName = finishing ? pending!.userName : (options.userName ?? (await userNameOfKey(initial, profile, env)));
    const question = pending
      ? finishing
        ? `An earlier rotation of profile ${profile} stopped after step "${pending.step}"; finish it (delete the old key ${pending.oldAccessKeyId})?`
        : `An earlier rotation of profile ${profile} stopped after step "${pending.step}"; undo it (keep ${initial.accessKeyId}, delete the key it created), then rotate the key of IAM user ${userName}?`
      : `Rotate the access key ${initial.accessKeyId} of IAM user ${userName} (profile ${profile}, ${store.kind} store)${options.deleteInactive ? ', deleting its inactive other key first' : ''}?`;
    if (!(await options.confirm(question))) {
      throw new UserError('nothing was changed', { next: 'run rolegate rotate --yes to rotate without asking' });
    }

    let interrupted: SettleResult | null = null;
    if (pending) {
      options.log(`settling the rotation of profile ${profile} that stopped after step "${pending.step}"`);
      progress.entry = { ...pending };
      interrupted = await settleRotation(deps, pending);
      if (interrupted.outcome === 'finished') {
        return {
          profile,
          store: store.kind,
          userName,
          outcome: 'finished',
          oldAccessKeyId: pending.oldAccessKeyId,
          newAccessKeyId: pending.newAccessKeyId!,
          deletedInactiveAccessKeyIds: [],
          interrupted,
        };
      }
    }

    // the earlier rotation is undone: what an interruption reports from here is the new one
    Object.assign(progress, { entry: undefined, cleared: false, point: undefined });
    const result: RotateResult = await rotateKey(deps, {
      profile,
      store: store.kind,
      userName,
      deleteInactive: options.deleteInactive,
    });
    return { profile, store: store.kind, outcome: 'rotated', ...result, interrupted };
  } finally {
    await release();
  }
}
