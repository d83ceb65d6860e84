/**
 * `rolegate import`: moves a plaintext key from the credentials file into the keychain or the
 * encrypted file, and rewrites the profiles to the store layout (credential_process), so no
 * long-term secret stays in ~/.aws. Order matters: the key is stored and read back first, then the
 * config gains credential_process, and only then does the plaintext key leave the credentials file.
 */
import { profileNames, readSharedProfiles, resolveProfile, type ProfileValues } from '../config/profiles.js';
import { sharedFilePaths } from '../config/sharedFilePaths.js';
import { badInput, UserError } from '../userError.js';
import { quotePosix } from '../shellQuote.js';
import { credentialProcessCommand } from './credentialProcessCommand.js';
import { openKeyStore, type KeyStore, type StoreKind } from '../keys/keyStore.js';

export interface ImportResult {
  profile: string;
  store: StoreKind;
  accessKeyId: string;
  rolesConverted: string[];
  configFile: string;
  credentialsFile: string;
  /** The previous credentials file, which still holds the plaintext key. */
  backupFile: string;
  /** What import wrote into each profile of the config file (so setup's record can know it). */
  written: Record<string, { set: Record<string, string>; unset: string[] }>;
}

const text = (values: ProfileValues | undefined, key: string) => {
  const value = values?.[key];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
};

/**
 * What import would move, checked from the files alone: a long-term key under the profile, with an
 * mfa_serial to serve it by. Throws a UserError (nothing changed) when there is none. Runs before
 * the store is opened, so a missing key is said before any passphrase is asked for.
 */
export async function importableKey(profile: string, kind: StoreKind, env: NodeJS.ProcessEnv = process.env) {
  if (kind === 'plain') throw badInput('import moves a key out of the credentials file; --store plain would leave it there', 'use --store keychain or --store file');
  const { configFile, credentialsFile } = sharedFilePaths(env);
  const shared = await readSharedProfiles(env);
  const plain = shared.credentials.get(profile);
  const accessKeyId = text(plain, 'aws_access_key_id');
  const secretAccessKey = text(plain, 'aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) {
    const already = /credential-process/.test(text(shared.config.get(profile), 'credential_process') ?? '');
    throw badInput(
      already ? `profile ${profile} already takes its key from a rolegate store` : `there is no plaintext key for profile ${profile} in ${credentialsFile}`,
      already ? 'nothing to do; `rolegate status` shows where the key is kept' : 'name the profile that holds aws_access_key_id (rolegate import PROFILE --store keychain)',
    );
  }
  if (text(plain, 'aws_session_token')) {
    throw badInput(`profile ${profile} holds temporary credentials (aws_session_token), not a long-term key`, 'import the profile that holds your IAM user access key');
  }
  const roles = profileNames(shared).filter((name) => {
    const values = resolveProfile(shared, name);
    return text(values, 'role_arn') && text(values, 'source_profile') === profile;
  });
  const mfaSerial = text(resolveProfile(shared, profile), 'mfa_serial') ?? roles.map((r) => text(resolveProfile(shared, r), 'mfa_serial')).find(Boolean);
  if (!mfaSerial) {
    throw badInput(
      `profile ${profile} has no mfa_serial (nor does a role profile that uses it): rolegate serves MFA sessions only, so it cannot serve this key; nothing was changed`,
      `if the key's IAM user has an MFA device, add mfa_serial = arn:aws:iam::ACCOUNT:mfa/NAME to [${profile === 'default' ? 'default' : `profile ${profile}`}] in ${configFile} and import again; ` +
        `if it is an administrator key (the one setup ran with), run rolegate setup --bootstrap-profile ${quotePosix(profile)}, then delete this key: aws --profile ${quotePosix(profile)} iam delete-access-key --access-key-id ${accessKeyId}`,
    );
  }
  return { configFile, credentialsFile, plain, accessKeyId, secretAccessKey, roles, mfaSerial };
}

export async function importKey(profile: string, kind: StoreKind, env: NodeJS.ProcessEnv = process.env, opened?: KeyStore): Promise<ImportResult> {
  const { configFile, credentialsFile, plain, accessKeyId, secretAccessKey, roles, mfaSerial } = await importableKey(profile, kind, env);

  const store = opened ?? (await openKeyStore(kind, { env }));
  await store.save(profile, { accessKeyId, secretAccessKey });
  const back = await store.load(profile);
  if (back?.accessKeyId !== accessKeyId || back.secretAccessKey !== secretAccessKey) {
    throw new UserError(`the ${kind} store did not give the key back after saving it; the credentials file is unchanged`, { next: 'try --store file, or check the keychain' });
  }

  const { editSharedFile, BACKUP_SUFFIX } = await import('../config/sharedFileEditor.js');
  const written: ImportResult['written'] = {};
  await editSharedFile(
    'config',
    (doc) => {
      const set = (name: string, key: string, value: string) => {
        doc.setValue(name, key, value);
        ((written[name] ??= { set: {}, unset: [] }).set[key] = value);
      };
      const unset = (name: string, key: string) => {
        doc.unsetValue(name, key);
        (written[name] ??= { set: {}, unset: [] }).unset.push(key);
      };
      set(profile, 'credential_process', credentialProcessCommand(profile, { env }));
      if (!doc.getValue(profile, 'mfa_serial')) set(profile, 'mfa_serial', mfaSerial);
      set(profile, 'rolegate_store', kind);
      for (const role of roles) {
        const roleArn = doc.getValue(role, 'role_arn');
        if (!roleArn) continue; // role_arn was in the credentials file: left as it is
        set(role, 'credential_process', credentialProcessCommand(role, { env }));
        set(role, 'rolegate_role_arn', roleArn);
        set(role, 'rolegate_source_profile', profile);
        if (!doc.getValue(role, 'mfa_serial')) set(role, 'mfa_serial', mfaSerial);
        unset(role, 'role_arn');
        unset(role, 'source_profile');
      }
    },
    env,
  );
  const remaining = Object.keys(plain ?? {}).filter((k) => k !== 'aws_access_key_id' && k !== 'aws_secret_access_key');
  await editSharedFile(
    'credentials',
    (doc) => {
      if (remaining.length === 0) doc.removeProfile(profile);
      else {
        doc.unsetValue(profile, 'aws_access_key_id');
        doc.unsetValue(profile, 'aws_secret_access_key');
      }
    },
    env,
  );
  return { profile, store: kind, accessKeyId, rolesConverted: roles, configFile, credentialsFile, backupFile: credentialsFile + BACKUP_SUFFIX, written };
}
