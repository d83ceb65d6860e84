import { UserError } from '../../userError.js';
import { accessKeys } from '../iamReads.js';
import { profileChanges, profileLayout, STATIC_KEY_KEYS } from '../profileLayout.js';
import type { Inspection, SetupContext, Step } from '../step.js';

/** The profiles in the shared config file: read-only by default, the admin profile elevates. */
export const profilesStep: Step = {
  id: 'profiles',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const { readSharedProfiles } = await import('../../config/profiles.js');
    const { sharedFilePaths } = await import('../../config/sharedFilePaths.js');
    const o = ctx.options;
    const credentialProcess =
      o.store === 'plain' ? undefined : (await import('../../credentials/credentialProcessCommand.js')).credentialProcessCommand;
    const layout = profileLayout({
      store: o.store,
      region: o.region,
      readProfile: o.readProfile,
      adminProfile: o.adminProfile,
      roleArn: ctx.names.roleArn,
      mfaSerial: ctx.state.mfaSerial,
      roleDuration: o.roleDuration,
      roleChain: o.roleChain,
      credentialProcess,
    });
    const shared = await readSharedProfiles(ctx.env);
    const changes = profileChanges(layout, (p) => shared.config.get(p));
    const paths = sharedFilePaths(ctx.env);
    const resource = `profiles ${o.readProfile}, ${o.adminProfile} in ${paths.configFile}`;

    // A long-term key in the credentials file under a profile setup writes: one of our user's keys
    // (left there by --store plain) moves out when another store is used; anyone else's is refused.
    const staticKeys = [o.readProfile, o.adminProfile]
      .map((profile) => ({ profile, id: shared.credentials.get(profile)?.aws_access_key_id }))
      .filter((e): e is { profile: string; id: string } => typeof e.id === 'string');
    const ours = new Set((await accessKeys(ctx.iam, o.userName)).map((k) => k.AccessKeyId));
    const removeFromCredentials: string[] = [];
    let blocker: Error | undefined;
    for (const { profile, id } of staticKeys) {
      const plainReadKey = o.store === 'plain' && profile === o.readProfile;
      if (ours.has(id)) {
        if (!plainReadKey) removeFromCredentials.push(profile);
        continue;
      }
      if (plainReadKey && ctx.state.key?.accessKeyId === id) continue;
      if (o.adopt) {
        removeFromCredentials.push(profile);
        continue;
      }
      blocker ??= new UserError(
        `profile ${profile} in ${paths.credentialsFile} holds another access key (${id}), which setup would replace`,
        {
          next:
            `rename that section (e.g. [${profile}] to [bootstrap]) and run setup with --bootstrap-profile bootstrap, ` +
            'or pass --adopt to let setup remove it',
        },
      );
    }
    const chain = (await import('../profileLayout.js')).roleChainSummary(o);
    if (changes.length === 0 && removeFromCredentials.length === 0 && !blocker) {
      return { item: { step: 'profiles', resource, status: 'exists', summary: 'up to date', changes: [chain] } };
    }
    const lines = changes.map(
      (c) =>
        `[${c.profile === 'default' ? 'default' : `profile ${c.profile}`}] ` +
        [...Object.entries(c.set).map(([k, v]) => `${k} = ${v}`), ...c.unset.map((k) => `unset ${k}`)].join(', '),
    );
    for (const profile of removeFromCredentials) lines.push(`remove the access key of [${profile}] from ${paths.credentialsFile}`);
    lines.push(chain);
    const creating = changes.every((c) => !shared.config.has(c.profile)) && removeFromCredentials.length === 0;
    return {
      item: { step: 'profiles', resource, status: creating ? 'create' : 'update', summary: creating ? 'will be written' : 'differ: will be updated', changes: lines },
      blocker,
      apply: async () => {
        if (blocker) throw blocker;
        // before the first change: what the profiles held, for teardown to put back
        const { usersOwnValues, recordProfiles } = await import('../profilesBefore.js');
        const setupValues = { roleArn: ctx.names.roleArn, mfaSerial: ctx.state.mfaSerial, readProfile: o.readProfile };
        await recordProfiles(
          ctx.env,
          paths.configFile,
          Object.fromEntries([...layout].map(([p, wanted]) => [p, { before: usersOwnValues(shared.config.get(p), { ...setupValues, wanted }), written: wanted }])),
        );
        const { editSharedFile } = await import('../../config/sharedFileEditor.js');
        if (removeFromCredentials.length) {
          await editSharedFile(
            'credentials',
            (doc) => {
              for (const profile of removeFromCredentials) for (const key of STATIC_KEY_KEYS) doc.unsetValue(profile, key);
            },
            ctx.env,
          );
        }
        await editSharedFile(
          'config',
          (doc) => {
            for (const change of changes) {
              for (const [key, value] of Object.entries(change.set)) doc.setValue(change.profile, key, value);
              for (const key of change.unset) doc.unsetValue(change.profile, key);
            }
          },
          ctx.env,
        );
        return creating ? 'written' : 'updated';
      },
    };
  },
};
