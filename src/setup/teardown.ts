import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  RemoveUserFromGroupCommand,
  UntagRoleCommand,
  UntagUserCommand,
  type IAMClient,
  type Tag,
  type User,
} from '@aws-sdk/client-iam';
import { UserError, badInput } from '../userError.js';
import { isVirtualMfaSerial, mfaSerial as mfaSerialOf, roleArn as roleArnOf } from '../policy/arns.js';
import { awsCall, isNotFound } from './awsErrors.js';
import { openBootstrap } from './bootstrap.js';
import { accessKeys, attachedRolePolicyArns, attachedUserPolicyArns, readRole, readUser, userAttachments, userMfaSerials, virtualMfaDevice } from './iamReads.js';
import type { SetupIO } from './setupIO.js';
import { ADDED_INLINE_TAG, ADDED_MFA_TAG, ADDED_POLICY_TAG, isAdopted, isManaged, KEY_DESCRIPTION, MANAGED_TAG, tagValue, PENDING_MFA_TAG } from '../setups/tags.js';
import type { StoreKind } from './options.js';
import { testKillPoint, testPausePoint } from './testHooks.js';
import { onInterrupt } from '../interrupt.js';
import { checkBootstrapIdentity, checkKeyStore, checkWritable, throwProblems, type Problem } from './preflight.js';

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
  /** The same teardown again, for the message an interruption prints. */
  again?: string;
  /** From the setup's record: its account (other credentials are refused) and its ARNs as AWS gave them. */
  recorded?: { account: string; roleArn: string; describe: string };
  /** Drops the setup's record (setups/setupRecord.ts), run before rolegate's empty folders go. */
  forgetRecord?: () => Promise<void>;
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
  const progress: TeardownProgress = { actions: [], removed: [], current: undefined };
  // Ctrl-C or SIGTERM anywhere: what is gone, what may be, what is still there, how to finish
  const stopWatching = onInterrupt(() => describeInterrupted(progress, options.again));
  try {
    return await teardownSteps(options, io, env, progress);
  } finally {
    stopWatching();
  }
}

interface TeardownProgress {
  actions: TeardownAction[];
  removed: string[];
  /** The resource being removed right now. */
  current: string | undefined;
}

function describeInterrupted(progress: TeardownProgress, again = 'rolegate teardown'): string {
  const { actions, removed, current } = progress;
  if (removed.length === 0 && current === undefined) return `teardown was interrupted before it removed anything.\nto remove it all, run the same command again: ${again}`;
  return [
    'teardown was interrupted. What exists now:',
    ...removed.map((r) => `  - ${r}: removed`),
    ...(current ? [`  ? ${current}: was being removed (it may be gone)`] : []),
    ...actions.filter((a) => !removed.includes(a.resource) && a.resource !== current).map((a) => `  = ${a.resource}: still there`),
    `to finish, run the same command again: ${again}`,
  ].join('\n');
}

async function teardownSteps(options: TeardownOptions, io: SetupIO, env: NodeJS.ProcessEnv, progress: TeardownProgress): Promise<TeardownReport> {
  const boot = await openBootstrap({ profile: options.bootstrapProfile, region: options.region, env });
  const iam = boot.iam;
  const account = boot.account;
  const { userName, roleName } = options;
  const actions = progress.actions;
  const leftAlone: string[] = [];
  if (options.recorded && options.recorded.account !== account) {
    throw badInput(
      `the setup of ${options.recorded.describe} is in account ${options.recorded.account}, but these credentials (${boot.callerArn}) reach account ${account}; nothing was changed`,
      `run teardown with credentials of account ${options.recorded.account} (--bootstrap-profile NAME)`,
    );
  }
  const partition = boot.partition;
  // the device setup created (the record's serial may be an adopted device's, never deleted)
  const ourSerial = mfaSerialOf(partition, account, userName);

  const user = await readUser(iam, userName);
  let userKeyIds: string[] = [];
  if (user && !isManaged(user.Tags)) leftAlone.push(`IAM user ${userName} (not created by rolegate)`);
  if (user && isManaged(user.Tags)) {
    const planned = await userActions(iam, user, ourSerial);
    userKeyIds = planned.keyIds;
    actions.push(...planned.actions);
    if (planned.kept) leftAlone.push(planned.kept);
  }
  // A device an interrupted setup created but never enabled.
  const device = await virtualMfaDevice(iam, ourSerial);
  if (device && !device.User && (isManaged(device.Tags) || tagValue(user?.Tags, PENDING_MFA_TAG) === ourSerial)) {
    const deletesUser = user && isManaged(user.Tags) && !isAdopted(user.Tags);
    actions.splice(deletesUser ? actions.length - 1 : actions.length, 0, {
      resource: `unpaired MFA device ${ourSerial}`,
      action: 'delete',
      run: () => gone('iam:DeleteVirtualMFADevice', () => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: ourSerial }))),
    });
  }

  const role = await readRole(iam, roleName);
  // the role's ARN as IAM gives it (a role with a path), so the admin profile is recognised
  const ourRoleArn = role?.Arn ?? options.recorded?.roleArn ?? roleArnOf(partition, account, roleName);
  if (role && !isManaged(role.Tags)) leftAlone.push(`IAM role ${roleName} (not created by rolegate)`);
  if (role && isManaged(role.Tags) && isAdopted(role.Tags)) {
    // adopted: kept; only the policy setup attached and its tags go (the trust policy stays as setup wrote it)
    const added = tagValue(role.Tags, ADDED_POLICY_TAG);
    if (added && (await attachedRolePolicyArns(iam, roleName)).includes(added)) {
      actions.push({
        resource: `policy ${added} on role ${roleName}`,
        action: 'detach',
        run: () => gone('iam:DetachRolePolicy', () => iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: added }))),
      });
    }
    actions.push({
      resource: `rolegate's tags on role ${roleName}`,
      action: 'remove',
      run: () => gone('iam:UntagRole', () => iam.send(new UntagRoleCommand({ RoleName: roleName, TagKeys: ourTagKeys(role.Tags) }))),
    });
    leftAlone.push(`IAM role ${roleName} (adopted by setup: kept; its trust policy stays as setup wrote it)`);
  } else if (role && isManaged(role.Tags)) {
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

  // the preflight, before anything is deleted: the files can be written, the store opens (the
  // key file's passphrase is asked for now), the credentials are not the read-only user's own
  // a rotation's keys go with a user rolegate made or adopted, or one already gone
  const rotationUser = !user || isManaged(user.Tags) ? userName : undefined;
  const local = await localActions(options, env, { ourSerial, ourRoleArn, userKeyIds, rotationUser });
  actions.push(...local.actions);
  const problems = [...local.problems];
  if (actions.length) problems.push(...(await checkBootstrapIdentity(iam, boot.callerArn, 'teardown')));

  const report: TeardownReport = { account, leftAlone, actions: actions.map(({ resource, action }) => ({ resource, action })), removed: false };
  io.line(`Teardown in account ${account} (as ${boot.callerArn}):`);
  for (const a of actions) io.line(`  - ${a.resource}: ${a.action}`);
  for (const l of leftAlone) io.line(`  ! ${l}: left alone`);
  if (actions.length === 0) {
    io.line('Nothing to remove.');
    return report;
  }
  throwProblems('teardown', problems);
  if (!options.yes) {
    if (!io.canAsk) throw badInput('teardown removes the resources listed above and needs confirmation', 'run it in a terminal, or add --yes');
    if (!(await io.confirm('Remove all of the above?'))) throw new UserError('teardown cancelled; nothing was removed');
  }
  const { removed } = progress;
  const failed: string[] = [];
  for (const [index, a] of actions.entries()) {
    try {
      progress.current = a.resource;
      await io.step(`${a.resource}...`, a.run);
      progress.current = undefined;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // IAM goes in order (policies before their user): stop there; local items are independent
      if (index < actions.length - local.actions.length) {
        throw new UserError(`teardown stopped: ${a.resource} could not be removed (${reason})`, {
          next: `fix that and run teardown again; removed so far: ${removed.length ? removed.join('; ') : 'nothing'}`,
          cause: error,
        });
      }
      progress.current = undefined;
      failed.push(`${a.resource}: ${reason}`);
      io.line(`! ${a.resource}: could not be removed (${reason})`);
      continue;
    }
    removed.push(a.resource);
    io.line(`- ${a.resource}: ${a.action === 'detach' ? 'detached' : 'removed'}`);
    testKillPoint(env, `teardown:${index + 1}`);
    await testPausePoint(env, `teardown:${index + 1}`);
  }
  if (failed.length) {
    throw new UserError(`teardown is not complete: ${failed.length} item(s) could not be removed:\n${failed.map((f) => `  - ${f}`).join('\n')}`, {
      next: 'fix the above and run teardown again: it removes what is left',
    });
  }
  report.removed = true;
  io.line('Teardown complete.');
  if (local.keyAccount) {
    const device = local.keyAccount.serial ? ` --device ${local.keyAccount.serial}` : '';
    io.line(`note: the OATH account ${local.keyAccount.id} stays on your YubiKey (the MFA device it paired is gone); remove it with: ykman${device} oath accounts delete ${local.keyAccount.id}`);
  }
  return report;
}

/** The tag keys setup wrote on a user or role: the managed and adopted marks, its records, key descriptions. */
function ourTagKeys(tags: Tag[] | undefined): string[] {
  return (tags ?? [])
    .filter((t) => t.Key === MANAGED_TAG.Key || t.Key?.startsWith('rolegate:') || t.Value === KEY_DESCRIPTION)
    .map((t) => t.Key!);
}

/**
 * The user's part of teardown. A user setup created is deleted, after everything DeleteUser
 * requires gone first on AWS (policies, MFA devices, access keys, the console password, group
 * memberships, signing certificates, SSH public keys, service-specific credentials: AWS answers
 * DeleteConflict otherwise). A user setup adopted (--adopt) is kept: only what setup added goes
 * (the policies it recorded, the MFA device it created, the keys it created), then its tags.
 */
async function userActions(iam: IAMClient, user: User, ourSerial: string): Promise<{ actions: TeardownAction[]; keyIds: string[]; kept?: string }> {
  const userName = user.UserName!;
  const adopted = isAdopted(user.Tags);
  const actions: TeardownAction[] = [];
  const detach = (arn: string) =>
    actions.push({
      resource: `policy ${arn} on user ${userName}`,
      action: 'detach',
      run: () => gone('iam:DetachUserPolicy', () => iam.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: arn }))),
    });
  const deleteInline = (name: string) =>
    actions.push({
      resource: `inline policy ${name} on user ${userName}`,
      action: 'delete',
      run: () => gone('iam:DeleteUserPolicy', () => iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: name }))),
    });
  const deleteKey = (id: string) =>
    actions.push({
      resource: `access key ${id} of user ${userName}`,
      action: 'delete',
      run: () => gone('iam:DeleteAccessKey', () => iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: id }))),
    });
  const serials = await userMfaSerials(iam, userName);
  const keys = (await accessKeys(iam, userName)).map((k) => k.AccessKeyId!);

  if (adopted) {
    const attached = await attachedUserPolicyArns(iam, userName);
    const addedPolicy = tagValue(user.Tags, ADDED_POLICY_TAG);
    if (addedPolicy && attached.includes(addedPolicy)) detach(addedPolicy);
    const addedInline = tagValue(user.Tags, ADDED_INLINE_TAG);
    if (addedInline && (await listInline(iam, 'user', userName)).includes(addedInline)) deleteInline(addedInline);
    // the device setup paired is recorded on the user; a device the user had stays as it is
    const ours = tagValue(user.Tags, ADDED_MFA_TAG) === ourSerial && serials.includes(ourSerial);
    if (ours) {
      actions.push({
        resource: `MFA device ${ourSerial}`,
        action: 'deactivate and delete',
        run: async () => {
          await gone('iam:DeactivateMFADevice', () => iam.send(new DeactivateMFADeviceCommand({ UserName: userName, SerialNumber: ourSerial })));
          await gone('iam:DeleteVirtualMFADevice', () => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: ourSerial })));
        },
      });
    }
    const ourKeys = keys.filter((id) => tagValue(user.Tags, id) === KEY_DESCRIPTION);
    for (const id of ourKeys) deleteKey(id);
    actions.push({
      resource: `rolegate's tags on user ${userName}`,
      action: 'remove',
      run: () => gone('iam:UntagUser', () => iam.send(new UntagUserCommand({ UserName: userName, TagKeys: ourTagKeys(user.Tags) }))),
    });
    return { actions, keyIds: ourKeys, kept: `IAM user ${userName} (adopted by setup: kept; only what setup added is removed)` };
  }

  for (const arn of await attachedUserPolicyArns(iam, userName)) detach(arn);
  for (const serial of serials) {
    const deletes = serial === ourSerial;
    actions.push({
      resource: `MFA device ${serial}`,
      action: deletes ? 'deactivate and delete' : isVirtualMfaSerial(serial) ? 'deactivate (adopted: not deleted)' : 'deactivate (a security key or hardware token)',
      run: async () => {
        await gone('iam:DeactivateMFADevice', () => iam.send(new DeactivateMFADeviceCommand({ UserName: userName, SerialNumber: serial })));
        if (deletes) await gone('iam:DeleteVirtualMFADevice', () => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })));
      },
    });
  }
  for (const id of keys) deleteKey(id);
  for (const name of await listInline(iam, 'user', userName)) deleteInline(name);
  const more = await userAttachments(iam, userName);
  if (more.loginProfile) {
    actions.push({
      resource: `console password (login profile) of user ${userName}`,
      action: 'delete',
      run: () => gone('iam:DeleteLoginProfile', () => iam.send(new DeleteLoginProfileCommand({ UserName: userName }))),
    });
  }
  for (const group of more.groups) {
    actions.push({
      resource: `membership of user ${userName} in group ${group}`,
      action: 'remove',
      run: () => gone('iam:RemoveUserFromGroup', () => iam.send(new RemoveUserFromGroupCommand({ UserName: userName, GroupName: group }))),
    });
  }
  for (const id of more.signingCertificates) {
    actions.push({
      resource: `signing certificate ${id} of user ${userName}`,
      action: 'delete',
      run: () => gone('iam:DeleteSigningCertificate', () => iam.send(new DeleteSigningCertificateCommand({ UserName: userName, CertificateId: id }))),
    });
  }
  for (const id of more.sshPublicKeys) {
    actions.push({
      resource: `SSH public key ${id} of user ${userName}`,
      action: 'delete',
      run: () => gone('iam:DeleteSSHPublicKey', () => iam.send(new DeleteSSHPublicKeyCommand({ UserName: userName, SSHPublicKeyId: id }))),
    });
  }
  for (const id of more.serviceCredentials) {
    actions.push({
      resource: `service-specific credential ${id} of user ${userName}`,
      action: 'delete',
      run: () => gone('iam:DeleteServiceSpecificCredential', () => iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: userName, ServiceSpecificCredentialId: id }))),
    });
  }
  actions.push({
    resource: `IAM user ${userName}`,
    action: 'delete',
    run: () => gone('iam:DeleteUser', () => iam.send(new DeleteUserCommand({ UserName: userName }))),
  });
  return { actions, keyIds: keys };
}

/**
 * rolegate's keys in the two profiles, the stored key (in the store the profile names), and the
 * sessions cached for those profiles. Profiles that are not ours are kept. Also the preflight's
 * local part: the files can be written and the store opens.
 */
async function localActions(
  options: TeardownOptions,
  env: NodeJS.ProcessEnv,
  ours: { ourSerial: string; ourRoleArn: string; userKeyIds: string[]; rotationUser?: string },
): Promise<{ actions: TeardownAction[]; problems: Problem[]; keyAccount?: { serial?: string; id: string } }> {
  const { readSharedProfiles } = await import('../config/profiles.js');
  const { sharedFilePaths } = await import('../config/sharedFilePaths.js');
  const shared = await readSharedProfiles(env);
  const paths = sharedFilePaths(env);
  const actions: TeardownAction[] = [];
  const problems: Problem[] = [];
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
  // which store holds the key: the profile says so (rolegate_store); a setup from before it did
  // is told by its files (the key file names its profiles); a key in the credentials file is plain
  const named = typeof read?.rolegate_store === 'string' ? read.rolegate_store.trim() : undefined;
  const store: StoreKind | undefined =
    options.store ??
    (!readIsOurs
      ? undefined
      : named === 'file' || named === 'keychain' || named === 'plain'
        ? named
        : usesProcess
          ? await storeHolding(readProfile, env)
          : typeof credentialKey === 'string'
            ? 'plain'
            : undefined);
  const profiles = [...(readIsOurs ? [readProfile] : []), ...(adminIsOurs ? [adminProfile] : [])];
  problems.push(
    ...(await checkWritable([
      ...(profiles.length ? [paths.configFile] : []),
      ...(store === 'plain' || (readIsOurs && typeof credentialKey === 'string') ? [paths.credentialsFile] : []),
    ])),
  );
  if (store) {
    const checked = await checkKeyStore(store, env, { remove: readProfile });
    problems.push(...checked.problems);
    const opened = checked.store;
    actions.push({
      resource: `stored key of profile ${readProfile} (${store} store)`,
      action: 'remove',
      run: async () => {
        const { openKeyStore } = await import('../keys/keyStore.js');
        await (opened ?? (await openKeyStore(store, { env }))).remove(readProfile);
        if (store === 'plain') await dropEmptyProfile('credentials', readProfile, env);
        if (store === 'file') await removeEmptyKeyFile(env);
      },
    });
  } else if (readIsOurs && typeof credentialKey === 'string' && plainKeyIsOurs) {
    // the profile names another store, yet our key is in the credentials file too
    actions.push({
      resource: `access key of profile ${readProfile} in ${paths.credentialsFile}`,
      action: 'remove',
      run: async () => (await (await import('../keys/keyStore.js')).openKeyStore('plain', { env })).remove(readProfile),
    });
  }
  if (profiles.length) {
    const sessions = [...(readIsOurs ? [`session-${readProfile}`] : []), ...(adminIsOurs ? [`role-${adminProfile}`] : [])];
    actions.push({
      resource: `cached sessions of ${profiles.join(', ')}`,
      action: 'remove',
      run: async () => {
        const { deleteSessionEntry } = await import('../cache/sessionCache.js');
        for (const name of sessions) await deleteSessionEntry(name, env);
      },
    });
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
        await forgetProfilesBefore(env, paths.configFile, profiles);
      },
    });
  }
  // last, rolegate's own files: the profiles' cache notes and locks and, once no setup is left on
  // this machine, the shared files' backups and rolegate's empty folders (leftovers.ts)
  const { setupLeftovers, leftoversPresent, removeLeftovers } = await import('./leftovers.js');
  const absent = (profile: string) => !shared.config.has(profile) && !shared.credentials.has(profile);
  const leftovers = await setupLeftovers(
    shared,
    { read: readIsOurs || absent(readProfile) ? readProfile : undefined, admin: adminIsOurs || absent(adminProfile) ? adminProfile : undefined },
    ours.ourSerial,
    env,
    ours.rotationUser,
  );
  if (actions.length || (await leftoversPresent(leftovers, env))) {
    actions.push({
      resource: "rolegate's cache notes, locks, backups and empty folders",
      action: 'remove',
      run: async () => {
        await options.forgetRecord?.();
        await removeLeftovers(leftovers, env);
      },
    });
  }
  // setup --mfa-device yubikey wrote mfa_process: the account on the key is named for the note
  const onKey = readIsOurs && typeof read?.mfa_process === 'string' ? /^ykman (?:--device (\d+) )?oath accounts code --single (AWS:\S+)$/.exec(read.mfa_process) : null;
  return { actions, problems, ...(onKey ? { keyAccount: { serial: onKey[1], id: onKey[2]! } } : {}) };
}

/** A key file that holds no key any more goes: a later setup may pick a new passphrase. */
async function removeEmptyKeyFile(env: NodeJS.ProcessEnv): Promise<void> {
  const [{ keyFilePath }, { readOptionalFile }, { rm }] = await Promise.all([
    import('../files/rolegatePaths.cjs'),
    import('../files/readOptionalFile.js'),
    import('node:fs/promises'),
  ]);
  const path = keyFilePath(env);
  // never blocks on a FIFO; a file refused (a device, another user's) is left alone
  const text = await readOptionalFile(path).catch(() => undefined);
  if (text === undefined) return;
  let header: { format?: unknown; profiles?: unknown };
  try {
    header = JSON.parse(text) as typeof header;
  } catch {
    return; // not ours to judge: a damaged file stays for the person to look at
  }
  if (header.format !== 'rolegate-keys' || !Array.isArray(header.profiles) || header.profiles.length > 0) return;
  await rm(path, { force: true });
}

/** Which non-plain store holds the profile's key: the file store if its file names it, else the keychain. */
async function storeHolding(profile: string, env: NodeJS.ProcessEnv): Promise<StoreKind> {
  try {
    const { keyFilePath } = await import('../files/rolegatePaths.cjs');
    const { readOptionalFile } = await import('../files/readOptionalFile.js');
    const text = (await readOptionalFile(keyFilePath(env))) ?? '{}';
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

