import { CreateAccessKeyCommand, DeleteAccessKeyCommand, TagUserCommand, UntagUserCommand } from '@aws-sdk/client-iam';
import { UserError } from '../../userError.js';
import { awsCall, isNotFound } from '../awsErrors.js';
import { singleAttemptIamClient } from '../../aws/iamClient.js';
import { isAwsTransientError, type AwsTransientError } from '../../aws/networkErrors.js';
import { accessKeys, readUser } from '../iamReads.js';
import { waitForListing } from '../../aws/listingLag.js';
import { decodeKeyIds, encodeKeyIds, KEY_DESCRIPTION, PENDING_KEY_TAG, tagValue } from '../../setups/tags.js';
import type { Inspection, SetupContext, Step } from '../step.js';
import { finishBeforeInterrupt } from '../../interrupt.js';

/**
 * The user's access key, kept in the chosen store under the read profile. The key is the one
 * resource whose secret cannot be read back, so before CreateAccessKey the ids of the keys that
 * exist are recorded on the user (PENDING_KEY_TAG): a key that appears after them and never
 * reached the store lost its secret in a crash, and the next run deletes it and creates another.
 */
export const accessKeyStep: Step = {
  id: 'access-key',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const user = ctx.options.userName;
    const profile = ctx.options.readProfile;
    const resource = `access key of user ${user} (${ctx.options.store} store, profile ${profile})`;
    const userInfo = await readUser(ctx.iam, user);
    const keys = userInfo ? await accessKeys(ctx.iam, user) : [];
    // a plan opens no keychain and asks no passphrase: it says what it cannot know
    if (ctx.planOnly && ctx.options.store !== 'plain') {
      const ids = keys.map((k) => k.AccessKeyId!).join(', ');
      return {
        item: keys.length
          ? { step: 'access-key', resource, status: 'exists', summary: `${ids} exist(s); whether the ${ctx.options.store} store holds one is checked when setup runs (a plan opens no store)` }
          : { step: 'access-key', resource, status: 'create', summary: 'will be created and stored' },
      };
    }
    const store = await ctx.keyStore();
    const pendingValue = tagValue(userInfo?.Tags, PENDING_KEY_TAG);
    const before = pendingValue === undefined ? undefined : decodeKeyIds(pendingValue);
    const stored = await store.load(profile);
    const storedIsLive = stored !== undefined && keys.some((k) => k.AccessKeyId === stored.accessKeyId);
    const lost = before === undefined ? [] : keys.map((k) => k.AccessKeyId!).filter((id) => !before.includes(id) && id !== stored?.accessKeyId);
    const deleteLost = async () => {
      for (const id of lost) await deleteKey(ctx, user, id);
      if (lost.length) {
        await awsCall('iam:UntagUser', () => ctx.iam.send(new UntagUserCommand({ UserName: user, TagKeys: lost })));
      }
    };
    const clearPending = async () => {
      await awsCall('iam:UntagUser', () => ctx.iam.send(new UntagUserCommand({ UserName: user, TagKeys: [PENDING_KEY_TAG] })));
    };
    const lostNote = lost.length ? `; ${lost.length} key(s) whose secret an interrupted run lost will be deleted (${lost.join(', ')})` : '';

    if (storedIsLive) {
      ctx.state.key = stored;
      if (before === undefined) return { item: { step: 'access-key', resource, status: 'exists', summary: `exists (${stored.accessKeyId}) and is stored` } };
      return {
        item: { step: 'access-key', resource, status: 'update', summary: `exists (${stored.accessKeyId})${lostNote}; clearing the progress record` },
        apply: async () => {
          await deleteLost();
          await clearPending();
          return `kept ${stored.accessKeyId}${lost.length ? `, deleted ${lost.length} lost key(s)` : ''}`;
        },
      };
    }
    const remaining = keys.map((k) => k.AccessKeyId!).filter((id) => !lost.includes(id));
    const blocker =
      remaining.length >= 2
        ? new UserError(`user ${user} already has two access keys (${remaining.join(', ')}), the most IAM allows, and rolegate holds neither secret`, {
            next: `delete one you no longer use (aws iam delete-access-key --user-name ${user} --access-key-id ID), then run setup again`,
          })
        : undefined;
    return {
      item: { step: 'access-key', resource, status: 'create', summary: `will be created and stored${lostNote}` },
      blocker,
      apply: async () => {
        if (blocker) throw blocker;
        await store.prepareSave?.();
        await awsCall('iam:TagUser', () =>
          ctx.iam.send(new TagUserCommand({ UserName: user, Tags: [{ Key: PENDING_KEY_TAG, Value: encodeKeyIds(remaining) }] })),
        );
        await deleteLost();
        const key = await finishBeforeInterrupt(`the new access key is stored (${store.kind} store)`, async () => {
          const created = await createKeyOnce(ctx, user, remaining);
          ctx.checkpoint('access-key:created');
          await ctx.pause('setup:access-key-created');
          await store.save(profile, created);
          return created;
        });
        ctx.state.key = key;
        // IAM keys take no tags; a user tag named after the key is the key's description (as the console keeps it)
        await awsCall('iam:TagUser', () => ctx.iam.send(new TagUserCommand({ UserName: user, Tags: [{ Key: key.accessKeyId, Value: KEY_DESCRIPTION }] })));
        // the progress record goes only once the listing accounts for every key: it shows the new
        // one (IAM's listing can lag a create), and any other newcomer is a lost one, deleted
        const { listing, settled } = await waitForListing(
          () => accessKeys(ctx.iam, user),
          (keys) => keys.some((k) => k.AccessKeyId === key.accessKeyId),
        );
        if (!settled) {
          ctx.io.line(`  note: IAM does not list the new key ${key.accessKeyId} yet; the progress record on user ${user} stays, and the next \`rolegate setup\` settles it`);
          return `created ${key.accessKeyId}, stored in the ${store.kind} store`;
        }
        const strays = listing.map((k) => k.AccessKeyId!).filter((id) => id !== key.accessKeyId && !remaining.includes(id));
        for (const id of strays) await deleteKey(ctx, user, id);
        if (strays.length) ctx.io.line(`  deleted ${strays.length} key(s) whose secret never arrived (${strays.join(', ')})`);
        await clearPending();
        return `created ${key.accessKeyId}, stored in the ${store.kind} store`;
      },
    };
  },
};

async function deleteKey(ctx: SetupContext, user: string, id: string): Promise<void> {
  try {
    await awsCall('iam:DeleteAccessKey', () => ctx.iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: id })));
  } catch (error) {
    if (!isNotFound(error)) throw error; // gone already: a retried delete whose first answer was lost
  }
}

/**
 * CreateAccessKey, made once (the SDK would repeat it after a lost answer and leave the first key
 * behind, active, with a secret nobody received; a throttled request, never carried out, is
 * resent). When the answer is lost (a dropped connection, a 5xx, a silent endpoint), the keys are
 * listed, for up to about 20 s while the listing may lag: one that is not among `before` is the lost one;
 * it is deleted and the call made once more. If even the listing fails, the progress record on
 * the user (PENDING_KEY_TAG, written before) lets the next run find and delete it.
 */
async function createKeyOnce(ctx: SetupContext, user: string, before: string[]): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const iam = singleAttemptIamClient(ctx.iam);
  const create = async () => {
    const created = await awsCall('iam:CreateAccessKey', () => iam.send(new CreateAccessKeyCommand({ UserName: user })));
    return { accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey! };
  };
  const unsettled = (error: AwsTransientError) =>
    new UserError(
      `${error.message}; AWS may have created a key whose secret never arrived. The progress record on user ${user} names the keys that existed before, so the next run deletes such a key`,
      { next: `${error.next ?? 'run setup again'}; \`rolegate setup\` then deletes the lost key and creates a new one`, cause: error },
    );
  try {
    return await create();
  } catch (error) {
    if (!isAwsTransientError(error) || !error.mayHaveRun) throw error;
    let newcomers: string[];
    try {
      // IAM's listing can lag the create: nothing new is concluded only after it had time to catch up
      const { listing } = await waitForListing(
        async () => (await accessKeys(ctx.iam, user)).map((k) => k.AccessKeyId!).filter((id) => !before.includes(id)),
        (ids) => ids.length > 0,
      );
      newcomers = listing;
      for (const id of newcomers) await deleteKey(ctx, user, id);
    } catch {
      throw unsettled(error);
    }
    ctx.io.line(
      `note: the answer to iam:CreateAccessKey was lost (${error.reason}); ` +
        (newcomers.length ? `deleted the key it had created (${newcomers.join(', ')}), whose secret never arrived, and creating another` : 'no key was created; trying once more'),
    );
    try {
      return await create();
    } catch (again) {
      if (isAwsTransientError(again) && again.mayHaveRun) throw unsettled(again);
      throw again;
    }
  }
}
