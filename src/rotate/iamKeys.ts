/** The user's access keys through IAM, as the rotation needs them. */
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  ListAccessKeysCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { singleAttemptIamClient } from '../aws/iamClient.js';
import { KEY_DESCRIPTION } from '../setups/tags.js';
import type { AccessKeyInfo, IamKeyOperations, LongTermKey } from './rotation.js';

function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? '';
}

export function iamKeyOperations(client: () => Promise<IAMClient>): IamKeyOperations {
  return {
    async listKeys(userName) {
      const iam = await client();
      const keys: AccessKeyInfo[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }));
        for (const k of page.AccessKeyMetadata ?? []) {
          if (!k.AccessKeyId) continue;
          keys.push({ accessKeyId: k.AccessKeyId, status: k.Status === 'Inactive' ? 'Inactive' : 'Active', createDate: k.CreateDate });
        }
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      return keys;
    },
    async createKey(userName): Promise<LongTermKey> {
      // one attempt: a repeat after a lost answer would leave the first key behind (see rotation.ts)
      const iam = singleAttemptIamClient(await client());
      const created = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
      const key = created.AccessKey;
      if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error('CreateAccessKey returned no key');
      // the key's description, as setup gives its key: teardown of an adopted user deletes only
      // keys so described. Best effort: the key exists either way and the rotation goes on.
      await (await client()).send(new TagUserCommand({ UserName: userName, Tags: [{ Key: key.AccessKeyId, Value: KEY_DESCRIPTION }] })).catch(() => undefined);
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    },
    async setStatus(userName, accessKeyId, status) {
      const iam = await client();
      await iam.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }));
    },
    async deleteKey(userName, accessKeyId) {
      const iam = await client();
      try {
        await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }));
      } catch (error) {
        if (errorName(error) !== 'NoSuchEntityException' && errorName(error) !== 'NoSuchEntity') throw error;
      }
      // its description goes with it (a user holds at most 50 tags); best effort
      await iam.send(new UntagUserCommand({ UserName: userName, TagKeys: [accessKeyId] })).catch(() => undefined);
    },
  };
}
