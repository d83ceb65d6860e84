import type { SharedProfiles } from '../../config/profiles.js';
import { accessKeys } from '../iamReads.js';
import { LAYOUT_KEYS, profileChanges, profileLayout, STATIC_KEY_KEYS, type ProfileLayout } from '../profileLayout.js';
import type { Inspection, SetupContext, Step } from '../step.js';

/** The profiles in the shared config file: read-only by default, the admin profile elevates. */
/**
 * The layout setup writes, with each profile's region: --region when given, else the region the
 * profile already has, else the one in [default], else the resolved default.
 */
export async function desiredLayout(ctx: SetupContext, shared: SharedProfiles): Promise<ProfileLayout> {
  const o = ctx.options;
  const credentialProcess =
    o.store === 'plain' || o.identity === 'console' ? undefined : (await import('../../credentials/credentialProcessCommand.js')).credentialProcessCommand;
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
    mfaProcess: ctx.state.yubikey?.command ?? codeCommandAsMfaProcess(o),
    ...(o.identity === 'console' ? { consoleUserArn: ctx.names.userArn } : {}),
  });
  if (!ctx.state.yubikey) {
    // an mfa_process an earlier setup wrote (--mfa-device yubikey) stays while it is unchanged
    const [{ profileRecord }, { sharedFilePaths }] = await Promise.all([import('../profilesBefore.js'), import('../../config/sharedFilePaths.js')]);
    for (const [profile, wanted] of layout) {
      const ours = (await profileRecord(ctx.env, sharedFilePaths(ctx.env).configFile, profile))?.written.mfa_process;
      if (ours !== undefined && wanted.mfa_serial !== undefined && shared.config.get(profile)?.mfa_process === ours) wanted.mfa_process = ours;
    }
  }
  if (!o.regionGiven) {
    const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
    const fallback = text(shared.config.get('default')?.region);
    for (const [profile, wanted] of layout) {
      const region = text(shared.config.get(profile)?.region) ?? fallback;
      if (region && wanted.region !== undefined) wanted.region = region;
    }
  }
  return layout;
}

/**
 * --mfa-code-command becomes the profiles' mfa_process, so the first AWS call without a terminal
 * gets its code the way pairing did. Not with --store plain: there the AWS CLI resolves the admin
 * profile itself and reads no mfa_process (codeCommandNote says so, and what to do).
 */
function codeCommandAsMfaProcess(o: SetupContext['options']): string | undefined {
  return o.store === 'plain' || o.identity === 'console' ? undefined : o.mfaCodeCommand;
}

/** What setup tells about --mfa-code-command once the profiles are written. */
function codeCommandNote(o: SetupContext['options']): string | undefined {
  if (!o.mfaCodeCommand || o.mfaDevice === 'yubikey' || o.identity === 'console') return undefined;
  if (o.store !== 'plain') {
    return `note: profiles ${o.readProfile} and ${o.adminProfile} take their MFA codes from mfa_process = the --mfa-code-command, also without a terminal; to type codes instead: rolegate config unset ${o.readProfile} mfa_process && rolegate config unset ${o.adminProfile} mfa_process`;
  }
  return (
    `note: --mfa-code-command was used for pairing only: with --store plain the AWS CLI resolves profile ${o.adminProfile} itself and reads no mfa_process, so \`aws --profile ${o.adminProfile}\` asks for a code on the terminal. ` +
    `For codes from the command without a terminal, move the key into a store (rolegate import ${o.readProfile} --store file, or keychain), then: rolegate config set ${o.readProfile} mfa_process '<the command>'`
  );
}

/** The profiles in the shared config file: read-only by default, the admin profile elevates. */
export const profilesStep: Step = {
  id: 'profiles',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const { readSharedProfiles } = await import('../../config/profiles.js');
    const { sharedFilePaths } = await import('../../config/sharedFilePaths.js');
    const o = ctx.options;
    const shared = await readSharedProfiles(ctx.env);
    const layout = await desiredLayout(ctx, shared);
    const changes = profileChanges(layout, (p) => shared.config.get(p));
    // --adopt: the person's own credential keys in a profile taken over are unset (kept in the record)
    for (const [profile, foreign] of ctx.preflight.adopted) {
      const extra = Object.keys(foreign).filter((key) => !(key in (layout.get(profile) ?? {})) && !(LAYOUT_KEYS as readonly string[]).includes(key));
      if (extra.length === 0) continue;
      const change = changes.find((c) => c.profile === profile);
      if (change) change.unset.push(...extra);
      else changes.push({ profile, set: {}, unset: extra });
    }
    const paths = sharedFilePaths(ctx.env);
    const resource = `profiles ${o.readProfile}, ${o.adminProfile} in ${paths.configFile}`;

    // A long-term key in the credentials file under a profile setup writes: one of our user's keys
    // (left there by --store plain) moves out when another store is used; anyone else's was refused
    // by the preflight, or is replaced knowingly (--replace-key).
    const ours = new Set((await accessKeys(ctx.iam, o.userName)).map((k) => k.AccessKeyId));
    const replaced = new Set(ctx.preflight.replacements.map((r) => r.accessKeyId));
    const removeFromCredentials: string[] = [];
    for (const profile of [o.readProfile, o.adminProfile]) {
      const id = shared.credentials.get(profile)?.aws_access_key_id;
      if (typeof id !== 'string') continue;
      const plainReadKey = o.store === 'plain' && profile === o.readProfile;
      if (plainReadKey && (ours.has(id) || ctx.state.key?.accessKeyId === id)) continue;
      if (ours.has(id) || replaced.has(id)) removeFromCredentials.push(profile);
    }
    // the region each profile gets, and why (a region it has is kept unless --region is given)
    const regions = [...layout]
      .filter(([, wanted]) => wanted.region !== undefined)
      .map(([profile, wanted]) => `${profile}: ${wanted.region}${o.regionGiven ? ' (--region)' : shared.config.get(profile)?.region === wanted.region ? ' (its own, kept)' : wanted.region === o.region ? '' : ' (from [default])'}`);
    const chain =
      o.identity === 'console'
        ? `${o.readProfile} is a console sign-in (aws login); ${o.adminProfile} assumes the role from it with an MFA code: role sessions of 1 h (AWS's limit for a role assumed with temporary credentials)`
        : (await import('../profileLayout.js')).roleChainSummary(o);
    if (changes.length === 0 && removeFromCredentials.length === 0) {
      return { item: { step: 'profiles', resource, status: 'exists', summary: 'up to date', changes: [chain] } };
    }
    const lines = changes.map(
      (c) =>
        `[${c.profile === 'default' ? 'default' : `profile ${c.profile}`}] ` +
        [...Object.entries(c.set).map(([k, v]) => `${k} = ${v}`), ...c.unset.map((k) => `unset ${k}`)].join(', '),
    );
    for (const profile of removeFromCredentials) lines.push(`remove the access key of [${profile}] from ${paths.credentialsFile}`);
    lines.push(`region ${regions.join(', ')}`);
    lines.push(chain);
    const creating = changes.every((c) => !shared.config.has(c.profile)) && removeFromCredentials.length === 0;
    return {
      item: { step: 'profiles', resource, status: creating ? 'create' : 'update', summary: creating ? 'will be written' : 'differ: will be updated', changes: lines },
      apply: async () => {
        // before the first change: what the profiles held, for teardown to put back
        const { usersOwnValues, recordProfiles } = await import('../profilesBefore.js');
        const setupValues = { roleArn: ctx.names.roleArn, mfaSerial: ctx.state.mfaSerial, readProfile: o.readProfile };
        await recordProfiles(
          ctx.env,
          paths.configFile,
          Object.fromEntries(
            [...layout].map(([p, wanted]) => [
              p,
              { before: { ...usersOwnValues(shared.config.get(p), { ...setupValues, wanted }), ...ctx.preflight.adopted.get(p) }, written: wanted },
            ]),
          ),
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
        const note = codeCommandNote(o);
        if (note) ctx.io.line(note);
        return creating ? 'written' : 'updated';
      },
    };
  },
};
