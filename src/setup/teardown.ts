import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { UserError, badInput } from '../userError.js';
import { mfaSerial as mfaSerialOf, roleArn as roleArnOf } from '../policy/arns.js';
import { awsCall, isNotFound } from './awsErrors.js';
import { openBootstrap } from './bootstrap.js';
import { accessKeys, attachedRolePolicyArns, attachedUserPolicyArns, readRole, readUser, userMfaSerials, virtualMfaDevice } from './iamReads.js';
import type { SetupIO } from './setupIO.js';
import { isManaged, tagValue, PENDING_MFA_TAG } from './tags.js';
import type { StoreKind } from './options.js';
import { testKillPoint } from './testHooks.js';

export interface TeardownOptions {
  userName: string;
  roleName: string;
  readProfile: string;
  adminProfile: string;
  bootstrapProfile?: string;
  /** Where the key is kept; undefined = find out (plain when the credentials file holds it). */
  store?: StoreKind;
  region: string;
  yes: boolean;
}

export interface TeardownAction {
  resource: string;
  action: string;
  run: () => Promise<void>;
}

export interface TeardownReport {
  account: string;
  /** Same-named things that rolegate did not create: listed, never touched. */
  leftAlone: string[];
  actions: { resource: string; action: string }[];
  removed: boolean;
}

async function listInline(iam: IAMClient, kind: 'user' | 'role', name: string): Promise<string[]> {
  const out = await awsCall(kind === 'user' ? 'iam:ListUserPolicies' : 'iam:ListRolePolicies', () =>
    kind === 'user' ? iam.send(new ListUserPoliciesCommand({ UserName: name })) : iam.send(new ListRolePoliciesCommand({ RoleName: name })),
  );
  return out.PolicyNames ?? [];
}

/** An IAM call that may find the thing already gone (a rerun after an interrupted teardown). */
async function gone(action: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await awsCall(action, run);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * Removes what setup created, recognised by name and the managed-by tag, in a safe order: the
 * user's policies, MFA device, keys and inline policies, the user, then the role; then rolegate's
 * profile keys and the stored key. Same-named things without the tag are listed and left alone.
 */
export async function runTeardown(options: TeardownOptions, io: SetupIO, env: NodeJS.ProcessEnv): Promise<TeardownReport> {
  const boot = await openBootstrap({ profile: options.bootstrapProfile, region: options.region, env });
  const iam = boot.iam;
  const account = boot.account;
  const { userName, roleName } = options;
  const actions: TeardownAction[] = [];
  const leftAlone: string[] = [];
  const ourSerial = mfaSerialOf(account, userName);
  const ourRoleArn = roleArnOf(account, roleName);

  const user = await readUser(iam, userName);
  let userKeyIds: string[] = [];
  if (user && !isManaged(user.Tags)) leftAlone.push(`IAM user ${userName} (not created by rolegate)`);
  if (user && isManaged(user.Tags)) {
    for (const arn of await attachedUserPolicyArns(iam, userName)) {
      actions.push({
        resource: `policy ${arn} on user ${userName}`,
        action: 'detach',
        run: () => gone('iam:DetachUserPolicy', () => iam.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: arn }))),
      });
    }
    for (const serial of await userMfaSerials(iam, userName)) {
      actions.push({
        resource: `MFA device ${serial}`,
        action: serial === ourSerial ? 'deactivate and delete' : 'deactivate (adopted: not deleted)',
        run: async () => {
          await gone('iam:DeactivateMFADevice', () => iam.send(new DeactivateMFADeviceCommand({ UserName: userName, SerialNumber: serial })));
          if (serial === ourSerial) {
            await gone('iam:DeleteVirtualMFADevice', () => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })));
          }
        },
      });
    }
    const keys = await accessKeys(iam, userName);
    userKeyIds = keys.map((k) => k.AccessKeyId!);
    for (const id of userKeyIds) {
      actions.push({
        resource: `access key ${id} of user ${userName}`,
        action: 'delete',
        run: () => gone('iam:DeleteAccessKey', () => iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: id }))),
      });
    }
    for (const name of await listInline(iam, 'user', userName)) {
      actions.push({
        resource: `inline policy ${name} on user ${userName}`,
        action: 'delete',
        run: () => gone('iam:DeleteUserPolicy', () => iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: name }))),
      });
    }
    actions.push({
      resource: `IAM user ${userName}`,
      action: 'delete',
      run: () => gone('iam:DeleteUser', () => iam.send(new DeleteUserCommand({ UserName: userName }))),
    });
  }
  // A device an interrupted setup created but never enabled.
  const device = await virtualMfaDevice(iam, ourSerial);
  if (device && !device.User && (isManaged(device.Tags) || tagValue(user?.Tags, PENDING_MFA_TAG) === ourSerial)) {
    actions.splice(user && isManaged(user.Tags) ? actions.length - 1 : actions.length, 0, {
      resource: `unpaired MFA device ${ourSerial}`,
      action: 'delete',
      run: () => gone('iam:DeleteVirtualMFADevice', () => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: ourSerial }))),
    });
  }

  const role = await readRole(iam, roleName);
  if (role && !isManaged(role.Tags)) leftAlone.push(`IAM role ${roleName} (not created by rolegate)`);
  if (role && isManaged(role.Tags)) {
    for (const arn of await attachedRolePolicyArns(iam, roleName)) {
      actions.push({
        resource: `policy ${arn} on role ${roleName}`,
        action: 'detach',
        run: () => gone('iam:DetachRolePolicy', () => iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }))),
      });
    }
    for (const name of await listInline(iam, 'role', roleName)) {
      actions.push({
        resource: `inline policy ${name} on role ${roleName}`,
        action: 'delete',
        run: () => gone('iam:DeleteRolePolicy', () => iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }))),
      });
    }
    actions.push({
      resource: `IAM role ${roleName}`,
      action: 'delete',
      run: () => gone('iam:DeleteRole', () => iam.send(new DeleteRoleCommand({ RoleName: roleName }))),
    });
  }
  // Detaching every policy first is the safe order the brief gives: move role detaches up front.
  actions.sort((a, b) => Number(b.action === 'detach') - Number(a.action === 'detach'));

  actions.push(...(await localActions(options, env, { ourSerial, ourRoleArn, userKeyIds })));

  const report: TeardownReport = { account, leftAlone, actions: actions.map(({ resource, action }) => ({ resource, action })), removed: false };
  io.line(`Teardown in account ${account} (as ${boot.callerArn}):`);
  for (const a of actions) io.line(`  - ${a.resource}: ${a.action}`);
  for (const l of leftAlone) io.line(`  ! ${l}: left alone`);
  if (actions.length === 0) {
    io.line('Nothing to remove.');
    return report;
  }
  if (!options.yes) {
    if (!io.canAsk) throw badInput('teardown removes the resources listed above and needs confirmation', 'run it in a terminal, or add --yes');
    if (!(await io.confirm('Remove all of the above?'))) throw new UserError('teardown cancelled; nothing was removed');
  }
  for (const [index, a] of actions.entries()) {
    await io.step(`${a.resource}...`, a.run);
    io.line(`- ${a.resource}: ${a.action === 'detach' ? 'detached' : 'removed'}`);
    testKillPoint(env, `teardown:${index + 1}`);
  }
  report.removed = true;
  io.line('Teardown complete.');
  return report;
}

/** rolegate's keys in the two profiles, and the stored key. Profiles that are not ours are kept. */
async function localActions(
  options: TeardownOptions,
  env: NodeJS.ProcessEnv,
  ours: { ourSerial: string; ourRoleArn: string; userKeyIds: string[] },
): Promise<TeardownAction[]> {
  const { readSharedProfiles } = await import('../config/profiles.js');
  const { sharedFilePaths } = await import('../config/sharedFilePaths.js');
  const shared = await readSharedProfiles(env);
  const paths = sharedFilePaths(env);
  const actions: TeardownAction[] = [];
  const { readProfile, adminProfile } = options;
  const read = shared.config.get(readProfile);
  const admin = shared.config.get(adminProfile);
  const credentialKey = shared.credentials.get(readProfile)?.aws_access_key_id;
  const plainKeyIsOurs = typeof credentialKey === 'string' && ours.userKeyIds.includes(credentialKey);
  const adminIsOurs = admin !== undefined && (admin.role_arn === ours.ourRoleArn || admin.rolegate_role_arn === ours.ourRoleArn);
  // The admin profile names its source profile: evidence that outlives the IAM user, so a
  // teardown interrupted after the account part still recognises the read profile as ours.
  const adminSource = admin?.source_profile ?? admin?.rolegate_source_profile;
  const usesProcess = typeof read?.credential_process === 'string' && read.credential_process.includes('credential-process');
  const readIsOurs = plainKeyIsOurs || read?.mfa_serial === ours.ourSerial || usesProcess || (adminIsOurs && adminSource === readProfile);
  const store: StoreKind | undefined =
    options.store ?? (!readIsOurs ? undefined : usesProcess ? await storeHolding(readProfile, env) : typeof credentialKey === 'string' ? 'plain' : undefined);
  if (store) {
    actions.push({
      resource: `stored key of profile ${readProfile} (${store} store)`,
      action: 'remove',
      run: async () => {
        const { openKeyStore } = await import('../credentials/keyStore.js');
        await (await openKeyStore(store, { env })).remove(readProfile);
        if (store === 'plain') await dropEmptyProfile('credentials', readProfile, env);
      },
    });
  }
  const profiles = [...(readIsOurs ? [readProfile] : []), ...(adminIsOurs ? [adminProfile] : [])];
  if (profiles.length) {
    actions.push({
      resource: `profiles ${profiles.join(', ')} in ${paths.configFile}`,
      action: 'remove rolegate keys',
      run: async () => {
        const { editSharedFile } = await import('../config/sharedFileEditor.js');
        const { forgetProfilesBefore, profileRecord, profileRestore } = await import('./profilesBefore.js');
        const now = await readSharedProfiles(env);
        const restores = new Map<string, ReturnType<typeof profileRestore>>();
        for (const profile of profiles) restores.set(profile, profileRestore(now.config.get(profile) ?? {}, await profileRecord(env, paths.configFile, profile)));
        await editSharedFile(
          'config',
          (doc) => {
            for (const [profile, restore] of restores) {
              if (restore.remove) {
                doc.removeProfile(profile);
                continue;
              }
              for (const [key, value] of Object.entries(restore.set)) doc.setValue(profile, key, value);
              for (const key of restore.unset) doc.unsetValue(profile, key);
            }
          },
          env,
          { removeWhenEmptied: true },
        );
        await forgetProfilesBefore(env, paths.configFile);
      },
    });
  }
  return actions;
}

/** Which non-plain store holds the profile's key: the file store if its file names it, else the keychain. */
async function storeHolding(profile: string, env: NodeJS.ProcessEnv): Promise<StoreKind> {
  try {
    const { keyFilePath } = await import('../credentials/cachePaths.cjs');
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(keyFilePath(env), 'utf8');
    if ((JSON.parse(text) as { profiles?: string[] }).profiles?.includes(profile)) return 'file';
  } catch {
    // no file store
  }
  return 'keychain';
}

async function dropEmptyProfile(kind: 'credentials' | 'config', profile: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { readSharedProfiles } = await import('../config/profiles.js');
  const shared = await readSharedProfiles(env);
  const values = (kind === 'credentials' ? shared.credentials : shared.config).get(profile);
  if (!values || Object.keys(values).length > 0) return;
  const { editSharedFile } = await import('../config/sharedFileEditor.js');
  await editSharedFile(kind, (doc) => doc.removeProfile(profile), env, { removeWhenEmptied: true });
}

