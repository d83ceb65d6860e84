/** The `plain` store: the key in the shared credentials file, as the original guide keeps it. */
import type { KeyStore, LongTermKey } from './keyStore.js';

export function openPlainKeyStore(env: NodeJS.ProcessEnv): KeyStore {
  return {
    kind: 'plain',
    async save(profile: string, key: LongTermKey) {
      const { editSharedFile } = await import('../config/sharedFileEditor.js');
      await editSharedFile(
        'credentials',
        (doc) => {
          doc.setValue(profile, 'aws_access_key_id', key.accessKeyId);
          doc.setValue(profile, 'aws_secret_access_key', key.secretAccessKey);
        },
        env,
      );
    },
    async load(profile: string) {
      const { readSharedProfiles } = await import('../config/profiles.js');
      const values = (await readSharedProfiles(env)).credentials.get(profile);
      const accessKeyId = values?.aws_access_key_id;
      const secretAccessKey = values?.aws_secret_access_key;
      if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string' || !accessKeyId || !secretAccessKey) {
        return undefined;
      }
      return { accessKeyId, secretAccessKey };
    },
    async remove(profile: string) {
      const { editSharedFile } = await import('../config/sharedFileEditor.js');
      await editSharedFile(
        'credentials',
        (doc) => {
          if (!doc.hasProfile(profile)) return;
          doc.unsetValue(profile, 'aws_access_key_id');
          doc.unsetValue(profile, 'aws_secret_access_key');
          doc.unsetValue(profile, 'aws_session_token');
        },
        env,
      );
    },
  };
}
