import type { Tag } from '@aws-sdk/client-iam';

/** Every resource rolegate creates carries this tag; teardown removes only what carries it. */
export const MANAGED_TAG: Tag = { Key: 'managed-by', Value: 'rolegate' };

/** The description setup gives the admin role (a template emitted by `setup --emit` gives the same). */
export const ADMIN_ROLE_DESCRIPTION = 'Administrator role, assumable only with MFA (rolegate)';

/**
 * Progress records, kept as tags on the user while a step that cannot be read back is under way:
 * the key ids that existed before CreateAccessKey (a key created after them whose secret never
 * reached the store is ours, and lost), and the serial of a virtual MFA device being paired.
 */
export const PENDING_KEY_TAG = 'rolegate:pending-access-key';
export const PENDING_MFA_TAG = 'rolegate:pending-mfa-device';

/**
 * A user or role that existed before setup and was taken over with --adopt carries ADOPTED_TAG as
 * well as the managed tag: teardown never deletes it, and removes only what setup added to it,
 * which setup records as it adds it: the managed policy it attached (ADDED_POLICY_TAG, the ARN) and
 * the inline policy it created (ADDED_INLINE_TAG, the name) and the MFA device it paired
 * (ADDED_MFA_TAG, the serial). The keys setup creates carry KEY_DESCRIPTION tags.
 */
export const ADOPTED_TAG = 'rolegate:adopted';
export const ADDED_POLICY_TAG = 'rolegate:added-policy';
export const ADDED_INLINE_TAG = 'rolegate:added-inline-policy';
export const ADDED_MFA_TAG = 'rolegate:added-mfa-device';

export function isAdopted(tags: Tag[] | undefined): boolean {
  return tagValue(tags, ADOPTED_TAG) !== undefined;
}

/** The description rolegate gives the keys it creates (a user tag keyed by the access key id). */
export const KEY_DESCRIPTION = 'created by rolegate setup';

export function isManaged(tags: Tag[] | undefined): boolean {
  return (tags ?? []).some((t) => t.Key === MANAGED_TAG.Key && t.Value === MANAGED_TAG.Value);
}

export function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return (tags ?? []).find((t) => t.Key === key)?.Value;
}

export function encodeKeyIds(ids: string[]): string {
  return ids.length === 0 ? 'none' : ids.join(' ');
}

export function decodeKeyIds(value: string): string[] {
  return value === 'none' ? [] : value.split(' ').filter(Boolean);
}
