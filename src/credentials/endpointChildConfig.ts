/**
 * The shared config a command under exec's credentials endpoint must see. Every SDK looks at the
 * `[default]` profile before the container endpoint: if `[default]` has credentials of its own
 * (setup's layout gives it `credential_process`, the read-only session), the command would quietly
 * run as that instead. So the command gets a private copy of the config without `[default]`'s
 * credential keys (every other byte kept, other profiles intact); where that would mean copying a
 * secret (a key in `[default]` of the credentials file, or any key in the config file), exec falls
 * back to plain variables and says why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProfileValues } from '../config/profiles.js';

/** Keys through which a profile has credentials of its own. */
const CREDENTIAL_SOURCE_KEYS = [
  'credential_process',
  'role_arn',
  'source_profile',
  'credential_source',
  'web_identity_token_file',
  'sso_session',
  'sso_start_url',
  'sso_account_id',
  'sso_role_name',
  'sso_region',
  'login_session',
] as const;
const SECRET_KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token'] as const;

export type EndpointChildConfig =
  /** `[default]` has no credentials: the command reads the person's own files. */
  | { kind: 'as-is' }
  /** A private copy to hand over in AWS_CONFIG_FILE; `remove` deletes it. */
  | { kind: 'copy'; configFile: string; removed: string[]; text: string; remove: () => void }
  | { kind: 'unusable'; reason: string };

const has = (values: ProfileValues | undefined, key: string) => values !== undefined && Object.prototype.hasOwnProperty.call(values, key);

export async function endpointChildConfig(env: NodeJS.ProcessEnv): Promise<EndpointChildConfig> {
  const [{ readSharedProfiles }, { sharedFilePaths }, { readOptionalFile }] = await Promise.all([
    import('../config/profiles.js'),
    import('../config/sharedFilePaths.js'),
    import('../files/readOptionalFile.js'),
  ]);
  const shared = await readSharedProfiles(env);
  const fromCredentialsFile = shared.credentials.get('default');
  if (SECRET_KEYS.some((key) => has(fromCredentialsFile, key)) || CREDENTIAL_SOURCE_KEYS.some((key) => has(fromCredentialsFile, key))) {
    return { kind: 'unusable', reason: 'the credentials file gives [default] credentials of its own, which every SDK would take before the endpoint' };
  }
  const fromConfig = shared.config.get('default');
  const removed = CREDENTIAL_SOURCE_KEYS.filter((key) => has(fromConfig, key));
  const secretInDefault = SECRET_KEYS.some((key) => has(fromConfig, key));
  if (removed.length === 0 && !secretInDefault) return { kind: 'as-is' };
  if ([...shared.config.values()].some((values) => SECRET_KEYS.some((key) => has(values, key)))) {
    return { kind: 'unusable', reason: 'the config file holds an access key, and rolegate does not copy secrets to give the command a config without [default] credentials' };
  }
  const { configFile } = sharedFilePaths(env);
  const text = await readOptionalFile(configFile);
  if (text === undefined) return { kind: 'as-is' };
  const { SharedFileDocument } = await import('../config/profileDocument.js');
  const doc = new SharedFileDocument('config', text);
  for (const key of removed) doc.unsetValue('default', key);
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-exec-'));
  const copy = join(dir, 'config');
  const copied = doc.text();
  writeFileSync(copy, copied, { mode: 0o600 });
  return { kind: 'copy', configFile: copy, removed, text: copied, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
