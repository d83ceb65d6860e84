/**
 * Whose are the profiles setup is about to write? A key setup's record names as its own (it wrote
 * it), or one equal to what setup writes now, is rolegate's. Anything else that setup would change
 * (a layout key with another value) or that gives the profile credentials of its own (SSO, a web
 * identity, a credential source) is the person's: setup refuses, or with --adopt takes it over and
 * records it for teardown to put back. A long-term key under a target profile that is not the
 * new user's is never replaced silently: replacing it would leave it active with no copy.
 */
import { GetAccessKeyLastUsedCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { ProfileValues, SharedProfiles } from '../config/profiles.js';
import { LAYOUT_KEYS } from './profileLayout.js';
import { usersOwnValues, type ProfileRecord } from './profilesBefore.js';
import type { Problem } from './preflight.js';
import type { StoreKind } from './options.js';

/** Config keys that give a profile credentials of its own; setup's layout would fight with them. */
export const CREDENTIAL_SOURCE_KEYS = [
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'credential_source',
  'web_identity_token_file',
  'role_session_name',
  'external_id',
] as const;

export const section = (profile: string) => (profile === 'default' ? '[default]' : `[profile ${profile}]`);

const asText = (value: unknown) => (typeof value === 'string' ? value : undefined);

export interface TargetProfile {
  profile: string;
  /** The layout setup writes there. */
  wanted: Record<string, string>;
  record: ProfileRecord | undefined;
}

export interface SetupIdentity {
  roleArn: string;
  /** Our device's serial, and any device the user already has (an adopted one). */
  mfaSerials: Set<string>;
  readProfile: string;
}

/** The keys of one profile that are not rolegate's and that setup would change or fight with. */
export function foreignKeys(values: ProfileValues | undefined, target: TargetProfile, setup: SetupIdentity): Record<string, string> {
  const foreign: Record<string, string> = {};
  if (!values) return foreign;
  const legacyOwn = target.record ? undefined : usersOwnValues(values, { ...setup, mfaSerial: [...setup.mfaSerials][0] ?? '', wanted: target.wanted });
  for (const key of Object.keys(values)) {
    const value = asText(values[key]);
    if (value === undefined || target.record?.written[key] !== undefined) continue;
    if ((CREDENTIAL_SOURCE_KEYS as readonly string[]).includes(key)) {
      foreign[key] = value;
      continue;
    }
    // a key setup does not write (an optional one it was not asked for) is left alone; region is kept unless --region
    if (!((LAYOUT_KEYS as readonly string[]).includes(key) || key in target.wanted) || key === 'region') continue;
    if (value === target.wanted[key] || (key === 'mfa_serial' && setup.mfaSerials.has(value))) continue;
    if (legacyOwn && !(key in legacyOwn)) continue; // written by a setup from before records were kept
    foreign[key] = value;
  }
  return foreign;
}

/** Foreign profiles: refusals, or (--adopt) the keys taken over, for the record. */
export function checkForeignProfiles(shared: SharedProfiles, configFile: string, targets: TargetProfile[], setup: SetupIdentity, adopt: boolean): { problems: Problem[]; adopted: Map<string, Record<string, string>> } {
  const problems: Problem[] = [];
  const adopted = new Map<string, Record<string, string>>();
  for (const target of targets) {
    const foreign = foreignKeys(shared.config.get(target.profile), target, setup);
    if (Object.keys(foreign).length === 0) continue;
    if (adopt) {
      adopted.set(target.profile, foreign);
      continue;
    }
    const flag = target.profile === setup.readProfile ? '--profile' : '--admin-profile';
    problems.push({
      message:
        `${section(target.profile)} in ${configFile} is not rolegate's: it holds ${Object.entries(foreign)
          .map(([k, v]) => `${k} = ${v}`)
          .join(', ')}, which setup would overwrite`,
      next: `pass ${flag} with another name for this setup, or --adopt to take the profile over (teardown puts those values back)`,
      refusal: true,
    });
  }
  return { problems, adopted };
}

/** Where a key sits that setup would replace or remove, and what is known about it. */
export interface KeyAtRisk {
  profile: string;
  where: string;
  accessKeyId?: string;
  /** What points at another setup when the key itself cannot be read (a plan opens no store). */
  otherSerial?: string;
}

export interface KeyReplacement {
  profile: string;
  accessKeyId: string;
  /** The IAM user in this account whose key it is (deleted once the new key works), if any. */
  userName?: string;
}

async function keyOwner(iam: IAMClient, accessKeyId: string): Promise<string | undefined> {
  try {
    return (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }))).UserName;
  } catch {
    return undefined; // not in this account (or not allowed to ask): the careful answer is "not ours"
  }
}

/**
 * The long-term keys under the target profiles that setup would replace (the read profile's stored
 * key) or remove (a key in the credentials file under a target profile). The new user's own keys
 * are fine; anyone else's is refused, or with --replace-key replaced (and, when it is a key of this
 * account, deleted in IAM once the new key works, so none is left active without a copy).
 */
export async function checkKeysAtRisk(
  iam: IAMClient,
  risks: KeyAtRisk[],
  context: { userKeyIds: string[]; bootstrapKeyId?: string; replaceKey: boolean; userName: string },
): Promise<{ problems: Problem[]; replacements: KeyReplacement[] }> {
  const problems: Problem[] = [];
  const replacements: KeyReplacement[] = [];
  for (const risk of risks) {
    const id = risk.accessKeyId;
    // a profile that points at another setup's device is decided by that alone, so that a plan
    // (which reads no store) and the run (which may) refuse alike
    if (id && context.userKeyIds.includes(id) && !risk.otherSerial) continue;
    const own = `give this setup profiles of its own (--profile NAME --admin-profile NAME-admin)`;
    if (id && id === context.bootstrapKeyId) {
      problems.push({
        message: `${risk.where} holds the key setup runs with (${id}), which setup would replace`,
        next: `rename that section (e.g. [${risk.profile}] to [bootstrap]) and run setup with --bootstrap-profile bootstrap, or ${own}`,
        refusal: true,
      });
      continue;
    }
    const owner = id ? await keyOwner(iam, id) : undefined;
    if (context.replaceKey) {
      if (id) replacements.push({ profile: risk.profile, accessKeyId: id, userName: owner });
      continue;
    }
    const whose = owner ? `, an active key of IAM user ${owner}` : risk.otherSerial ? ` of another setup (MFA device ${risk.otherSerial})` : id ? ', not a key of this account' : '';
    problems.push({
      message: `${risk.where} holds an access key${id ? ` (${id})` : ''}${whose}; setup would replace it and leave it without a copy on this laptop`,
      next: `${own}, or pass --replace-key to replace it knowingly${owner ? ` (setup then deletes ${id} in IAM once the new key works)` : ''}`,
      refusal: true,
    });
  }
  return { problems, replacements };
}

/** A value the store layout writes as credential_process: rolegate's own command. */
export function isRolegateProcess(value: unknown): boolean {
  return typeof value === 'string' && value.includes('credential-process');
}

/** Where the read profile's key sits today, as the files say (no store is opened). */
export function storedKeyEvidence(shared: SharedProfiles, readProfile: string, fileProfiles: string[]): StoreKind | undefined {
  const values = shared.config.get(readProfile);
  const named = asText(values?.rolegate_store);
  if (named === 'file' || named === 'keychain') return named;
  if (!isRolegateProcess(values?.credential_process)) return undefined;
  return fileProfiles.includes(readProfile) ? 'file' : 'keychain';
}
