/**
 * The rotation itself, free of SDK and file details (those come in through `RotationDeps`):
 *   list keys → create the new key → prove it works → store it → deactivate the old key → delete it.
 * Each step is written to the journal first-thing after it is done, so a rotation killed anywhere
 * is settled by the next run: forward when the store already holds the new key, back otherwise.
 * The store decides, not the journal's step: a kill between a store write and its journal entry
 * is then harmless.
 */
import { finishBeforeInterrupt } from '../interrupt.js';
import { UserError } from '../userError.js';
import { isAwsTransientError } from '../aws/networkErrors.js';
import { waitForListing } from '../aws/listingLag.js';
import type { RotationEntry, RotationStep } from '../setups/rotationJournal.js';

export interface LongTermKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface AccessKeyInfo {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createDate?: Date;
}

export interface IamKeyOperations {
  listKeys(userName: string): Promise<AccessKeyInfo[]>;
  createKey(userName: string): Promise<LongTermKey>;
  setStatus(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  /** Deleting a key that is already gone is not an error. */
  deleteKey(userName: string, accessKeyId: string): Promise<void>;
}

export interface RotationDeps {
  iam: IamKeyOperations;
  /** Resolves once the key authenticates as the user (retrying through IAM's eventual consistency). */
  prove(key: LongTermKey, userName: string): Promise<void>;
  loadStored(): Promise<LongTermKey | undefined>;
  saveStored(key: LongTermKey): Promise<void>;
  journal: {
    read(): Promise<RotationEntry | undefined>;
    write(entry: RotationEntry): Promise<void>;
    clear(): Promise<void>;
  };
  log(message: string): void;
  /** Test hook: called after every step (see ROLEGATE_TEST_KILL_AFTER_STEP, ROLEGATE_TEST_PAUSE_AT). */
  checkpoint(name: string): void | Promise<void>;
  now?(): Date;
  /** How long a listing is given to catch up with a create (default LISTING_WAIT_MS). */
  listingWaitMs?: number;
}

export interface RotateOptions {
  profile: string;
  store: string;
  userName: string;
  deleteInactive: boolean;
}

export type SettleOutcome = 'finished' | 'rolled-back';

export interface SettleResult {
  outcome: SettleOutcome;
  step: RotationStep;
  oldAccessKeyId: string;
  newAccessKeyId: string | undefined;
  deletedAccessKeyIds: string[];
}

export interface RotateResult {
  userName: string;
  oldAccessKeyId: string;
  newAccessKeyId: string;
  deletedInactiveAccessKeyIds: string[];
}

/** A key we created but whose creation the journal missed is at most this much older than the start. */
const CLOCK_SLACK_MS = 15 * 60 * 1000;

/**
 * Settles an unfinished rotation: when the store holds the new key, the old key is deactivated and
 * deleted; when it holds the old key, every key this rotation created is deleted and the old key
 * is made active again. Either way exactly the stored key is left from this rotation's keys.
 */
export async function settleRotation(deps: RotationDeps, entry: RotationEntry): Promise<SettleResult> {
  const stored = await deps.loadStored();
  const keys = await deps.iam.listKeys(entry.userName);
  const ids = new Set(keys.map((k) => k.accessKeyId));
  const deleted: string[] = [];
  const result = (outcome: SettleOutcome): SettleResult => ({
    outcome,
    step: entry.step,
    oldAccessKeyId: entry.oldAccessKeyId,
    newAccessKeyId: entry.newAccessKeyId,
    deletedAccessKeyIds: deleted,
  });

  if (stored && entry.newAccessKeyId && stored.accessKeyId === entry.newAccessKeyId) {
    if (!ids.has(entry.newAccessKeyId)) {
      throw new UserError(
        `the stored key ${stored.accessKeyId} of profile ${entry.profile} no longer exists in IAM (user ${entry.userName})`,
        { next: `create a new key for user ${entry.userName} as an administrator and store it (rolegate setup completes this)` },
      );
    }
    const old = keys.find((k) => k.accessKeyId === entry.oldAccessKeyId);
    if (old) {
      deps.log(`finishing the rotation: removing the old key ${old.accessKeyId}`);
      if (old.status === 'Active') await deps.iam.setStatus(entry.userName, old.accessKeyId, 'Inactive');
      await deps.iam.deleteKey(entry.userName, old.accessKeyId);
      deleted.push(old.accessKeyId);
    }
    await deps.journal.clear();
    return result('finished');
  }

  if (stored && stored.accessKeyId === entry.oldAccessKeyId) {
    let ours: string[];
    if (entry.newAccessKeyId) {
      ours = ids.has(entry.newAccessKeyId) ? [entry.newAccessKeyId] : [];
    } else {
      // Killed between CreateAccessKey and its journal entry: the new key is one the user did not
      // have before the rotation began, created after it began.
      const since = Date.parse(entry.startedAt) - CLOCK_SLACK_MS;
      ours = keys
        .filter((k) => !entry.keysBefore.includes(k.accessKeyId) && k.accessKeyId !== entry.oldAccessKeyId)
        .filter((k) => k.createDate !== undefined && k.createDate.getTime() >= since)
        .map((k) => k.accessKeyId);
    }
    for (const id of ours) {
      if (id === stored.accessKeyId) continue; // never the stored key
      deps.log(`undoing the rotation: deleting the new key ${id}, keeping ${stored.accessKeyId}`);
      await deps.iam.deleteKey(entry.userName, id);
      deleted.push(id);
    }
    const old = keys.find((k) => k.accessKeyId === entry.oldAccessKeyId);
    if (old && old.status === 'Inactive') await deps.iam.setStatus(entry.userName, old.accessKeyId, 'Active');
    await deps.journal.clear();
    return result('rolled-back');
  }

  throw new UserError(
    `an unfinished rotation of profile ${entry.profile} (old key ${entry.oldAccessKeyId}, new key ${entry.newAccessKeyId ?? 'unknown'}) ` +
      `cannot be settled: the store now holds ${stored ? `key ${stored.accessKeyId}` : 'no key'}`,
    {
      next:
        `check the user's keys (aws --profile admin iam list-access-keys --user-name ${entry.userName}), store the working one, ` +
        `then delete the journal entry in the rotation journal and run rolegate rotate again`,
    },
  );
}

function keyTable(keys: AccessKeyInfo[], storedId: string, profile: string): string {
  return keys
    .map((k) => {
      const created = k.createDate ? `, created ${k.createDate.toISOString().slice(0, 10)}` : '';
      const role = k.accessKeyId === storedId ? `the key profile ${profile} uses` : 'not used by this profile';
      return `  ${k.accessKeyId}  ${k.status}${created}  (${role})`;
    })
    .join('\n');
}

/**
 * A new rotation (no journal entry for this profile may be pending; settle it first).
 * Before the proof succeeds, any failure deletes the new key and keeps the old one; after the new
 * key is stored, a failure leaves the journal so the next run deletes the old key.
 */
export async function rotateKey(deps: RotationDeps, options: RotateOptions): Promise<RotateResult> {
  const now = () => (deps.now ? deps.now() : new Date());
  const { userName, profile } = options;
  const stored = await deps.loadStored();
  if (!stored) {
    throw new UserError(`profile ${profile} has no stored access key (store: ${options.store})`, {
      next: 'run rolegate setup to create and store the key',
    });
  }
  let keys = await deps.iam.listKeys(userName);
  if (!keys.some((k) => k.accessKeyId === stored.accessKeyId)) {
    throw new UserError(
      `the key profile ${profile} uses (${stored.accessKeyId}) is not one of user ${userName}'s access keys`,
      { next: `check the user name (--user-name) and the profile; user ${userName} has:\n${keyTable(keys, stored.accessKeyId, profile)}` },
    );
  }

  const deletedInactive: string[] = [];
  if (keys.length >= 2) {
    const others = keys.filter((k) => k.accessKeyId !== stored.accessKeyId);
    if (!options.deleteInactive) {
      const inactive = others.some((k) => k.status === 'Inactive');
      throw new UserError(
        `user ${userName} already has two access keys, the most IAM allows, so no new key can be created:\n` +
          keyTable(keys, stored.accessKeyId, profile),
        {
          next: inactive
            ? 'run rolegate rotate --delete-inactive to delete the inactive key first'
            : `if the other key is no longer needed, delete it (aws --profile admin iam delete-access-key --user-name ${userName} --access-key-id ${others[0]!.accessKeyId}), then run rolegate rotate again`,
        },
      );
    }
    for (const key of others.filter((k) => k.status === 'Inactive')) {
      deps.log(`deleting the inactive key ${key.accessKeyId}`);
      await deps.iam.deleteKey(userName, key.accessKeyId);
      deletedInactive.push(key.accessKeyId);
    }
    keys = await deps.iam.listKeys(userName);
    if (keys.length >= 2) {
      throw new UserError(
        `user ${userName} still has two access keys; --delete-inactive deletes only inactive keys, and this one is active:\n` +
          keyTable(keys, stored.accessKeyId, profile),
        {
          next: `if it is no longer needed, deactivate or delete it yourself (aws --profile admin iam update-access-key --user-name ${userName} --status Inactive --access-key-id ${keys.find((k) => k.accessKeyId !== stored.accessKeyId)!.accessKeyId}), then run rolegate rotate --delete-inactive`,
        },
      );
    }
  }

  const entry: RotationEntry = {
    profile,
    store: options.store,
    userName,
    oldAccessKeyId: stored.accessKeyId,
    keysBefore: keys.map((k) => k.accessKeyId),
    step: 'started',
    startedAt: now().toISOString(),
    updatedAt: now().toISOString(),
  };
  const advance = async (step: RotationStep) => {
    entry.step = step;
    await deps.journal.write(entry);
    await deps.checkpoint(step);
  };
  await advance('started');

  let newKey: LongTermKey | undefined;
  // from CreateAccessKey until the new key is stored (or undone) a signal waits: see interrupt.ts
  const settledByRollBack = await finishBeforeInterrupt('the new key is checked and stored, or deleted again', async () => {
    try {
      deps.log(`creating a new access key for user ${userName}`);
      newKey = await createKeyOnce(deps, entry);
      await deps.checkpoint('created-unjournaled');
      entry.newAccessKeyId = newKey.accessKeyId;
      await advance('created');

      deps.log(`checking that the new key ${newKey.accessKeyId} works (sts get-caller-identity)`);
      await deps.prove(newKey, userName);
      await advance('proven');

      deps.log(`storing the new key ${newKey.accessKeyId} in profile ${profile} (${options.store})`);
      await deps.saveStored(newKey);
    } catch (error) {
      await rollBackAfterFailure(deps, entry, error);
      return true;
    }
    return false;
  });
  if (settledByRollBack) {
    // The store had taken the new key before the failure, and settling finished the rotation.
    return {
      userName,
      oldAccessKeyId: entry.oldAccessKeyId,
      newAccessKeyId: entry.newAccessKeyId!,
      deletedInactiveAccessKeyIds: deletedInactive,
    };
  }
  await deps.checkpoint('stored-unjournaled');
  await advance('stored');

  try {
    deps.log(`deactivating the old key ${entry.oldAccessKeyId}`);
    await deps.iam.setStatus(userName, entry.oldAccessKeyId, 'Inactive');
    await advance('deactivated');
    deps.log(`deleting the old key ${entry.oldAccessKeyId}`);
    await deps.iam.deleteKey(userName, entry.oldAccessKeyId);
    await deps.checkpoint('deleted');
    // the journal goes only once the listing accounts for every key: it shows the new one, and any
    // other key created since the rotation began is a lost one, deleted
    const { listing, settled } = await waitForListing(
      () => deps.iam.listKeys(userName),
      (keys) => keys.some((k) => k.accessKeyId === entry.newAccessKeyId),
      deps.listingWaitMs === undefined ? {} : { maxWaitMs: deps.listingWaitMs },
    );
    if (!settled) {
      deps.log(`note: IAM does not list the new key ${entry.newAccessKeyId} yet; the journal stays, and the next rolegate rotate settles it`);
    } else {
      for (const stray of listing.filter((k) => k.accessKeyId !== entry.newAccessKeyId && !entry.keysBefore.includes(k.accessKeyId))) {
        deps.log(`deleting the key ${stray.accessKeyId}, whose secret never arrived`);
        await deps.iam.deleteKey(userName, stray.accessKeyId);
      }
      await deps.journal.clear();
    }
  } catch (error) {
    throw new UserError(
      `the new key ${entry.newAccessKeyId} is stored and works, but removing the old key ${entry.oldAccessKeyId} failed: ${messageOf(error)}`,
      { next: 'run rolegate rotate again to finish removing the old key', cause: error },
    );
  }
  return {
    userName,
    oldAccessKeyId: entry.oldAccessKeyId,
    newAccessKeyId: newKey!.accessKeyId,
    deletedInactiveAccessKeyIds: deletedInactive,
  };
}

/**
 * CreateAccessKey is made once (the SDK does not repeat it). When its answer is lost (a dropped
 * connection, a 5xx, a silent endpoint) the key may exist with a secret nobody received: a key
 * not among the journal's keysBefore is that one, and is deleted before one more try. A kill in
 * between is settled by the next run from the same journal entry.
 */
async function createKeyOnce(deps: RotationDeps, entry: RotationEntry): Promise<LongTermKey> {
  try {
    return await deps.iam.createKey(entry.userName);
  } catch (error) {
    if (!isAwsTransientError(error) || !error.mayHaveRun) throw error;
    // IAM's listing can lag the create: nothing new is concluded only after it had time to catch up
    const { listing: lost } = await waitForListing(
      async () => (await deps.iam.listKeys(entry.userName)).map((k) => k.accessKeyId).filter((id) => !entry.keysBefore.includes(id) && id !== entry.oldAccessKeyId),
      (ids) => ids.length > 0,
      deps.listingWaitMs === undefined ? {} : { maxWaitMs: deps.listingWaitMs },
    );
    for (const id of lost) await deps.iam.deleteKey(entry.userName, id);
    deps.log(
      `the answer to iam:CreateAccessKey was lost (${error.reason}); ` +
        (lost.length ? `deleted the key it had created (${lost.join(', ')}), whose secret never arrived; creating another` : 'no key was created; trying once more'),
    );
    return await deps.iam.createKey(entry.userName);
  }
}

/** Settles after a failure before the key was stored: throws, unless the rotation could be finished. */
async function rollBackAfterFailure(deps: RotationDeps, entry: RotationEntry, error: unknown): Promise<void> {
  let settled: SettleResult;
  try {
    settled = await settleRotation(deps, entry);
  } catch (settleError) {
    throw new UserError(
      `rotation failed (${messageOf(error)}), and undoing it failed too (${messageOf(settleError)})`,
      { next: 'run rolegate rotate again: it finishes or undoes the unfinished rotation', cause: error },
    );
  }
  if (settled.outcome === 'finished') {
    deps.log(`warning: ${messageOf(error)}; the store holds the new key, so the rotation was completed`);
    return;
  }
  const kept = `the old key ${entry.oldAccessKeyId} is kept and still in use`;
  const removed = settled.deletedAccessKeyIds.length ? `; the new key ${settled.deletedAccessKeyIds.join(', ')} was deleted` : '';
  if (error instanceof UserError) {
    throw new UserError(`${error.message}; ${kept}${removed}`, { next: error.next, exitCode: error.exitCode, cause: error });
  }
  throw new UserError(`rotation failed: ${messageOf(error)}; ${kept}${removed}`, {
    next: 'fix the cause and run rolegate rotate again',
    cause: error,
  });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
