import {
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  TagUserCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { UserError, badInput } from '../../userError.js';
import { awsCall, errorCode, isNotFound, retryWhileSpreading } from '../awsErrors.js';
import { readUser, userMfaSerials, virtualMfaDevice } from '../iamReads.js';
import { ADDED_MFA_TAG, isAdopted, isManaged, MANAGED_TAG, PENDING_MFA_TAG, tagValue } from '../../setups/tags.js';
import { skipTotpWait } from '../testHooks.js';
import { mfaCodeIamClient, singleAttemptIamClient } from '../../aws/iamClient.js';
import { isVirtualMfaSerial } from '../../policy/arns.js';
import { isAwsTransientError, spendsMfaCode, type AwsTransientError } from '../../aws/networkErrors.js';
import type { Inspection, SetupContext, Step } from '../step.js';

/** EnableMFADevice sends at most: the first pair of codes, and one fresh pair after a lost answer. */
const ENABLE_SENDS = 2;

/**
 * The user's virtual MFA device, named after the user. A device that an interrupted run created
 * but never enabled cannot be reused (its seed was never stored), so it is deleted and replaced;
 * the user tag PENDING_MFA_TAG records that the device being paired is ours.
 */
export const mfaDeviceStep: Step = {
  id: 'mfa-device',
  async inspect(ctx: SetupContext): Promise<Inspection> {
    const user = ctx.options.userName;
    const serial = ctx.names.mfaSerial;
    const resource = `virtual MFA device ${serial.split(':mfa/')[1]} for user ${user}`;
    const userInfo = await readUser(ctx.iam, user);
    const pending = tagValue(userInfo?.Tags, PENDING_MFA_TAG);
    // only a virtual device (`:mfa/`) gives codes the CLI and rolegate can send; a FIDO security key
    // or hardware token the user also has is left as it is (a user may have up to 8 devices)
    const attached = userInfo ? (await userMfaSerials(ctx.iam, user)).filter(isVirtualMfaSerial) : [];
    const clearPending = async () => {
      if (pending !== undefined) {
        await awsCall('iam:UntagUser', () => ctx.iam.send(new UntagUserCommand({ UserName: user, TagKeys: [PENDING_MFA_TAG] })));
      }
    };
    const yubikey = ctx.state.yubikey;
    const accountName = `${user}@${ctx.names.account}`;
    const { oathAccountId } = await import('../../prompt/yubikeyOath.js');
    const accountId = oathAccountId(accountName);
    const keyName = `YubiKey${yubikey?.serial ? ` ${yubikey.serial}` : ''}`;
    // an enabled device whose seed is not on the key cannot be moved there: its seed is gone
    const notOnKey = (device: string) =>
      yubikey && !yubikey.accounts.includes(accountId)
        ? badInput(
            `the MFA device ${device} of user ${user} is already enabled, and ${keyName} holds no account ${accountId}: its seed is in another authenticator and cannot be moved`,
            device === serial
              ? 'to pair a new device on the key instead, run setup again with --re-pair (the device is replaced, and the codes of your current authenticator stop working)'
              : `to pair a new device on the key instead, remove this one first (aws iam deactivate-mfa-device --user-name ${user} --serial-number ${device}, with the bootstrap credentials), then run setup again`,
          )
        : undefined;
    // --re-pair: the enabled device setup created is replaced by a new one, paired anew
    const replacing = Boolean(ctx.options.rePair) && attached.includes(serial);
    if (attached.includes(serial) && !replacing) {
      ctx.state.mfaSerial = serial;
      if (pending === undefined) {
        const summary = yubikey && !notOnKey(serial) ? `exists and is enabled (its codes come from ${keyName})` : 'exists and is enabled';
        return { item: { step: 'mfa-device', resource, status: 'exists', summary }, blocker: notOnKey(serial) };
      }
      return {
        item: { step: 'mfa-device', resource, status: 'update', summary: 'enabled; clearing the progress record of an interrupted run' },
        blocker: notOnKey(serial),
        apply: async () => {
          await clearPending();
          return 'enabled (progress record cleared)';
        },
      };
    }
    if (attached.length > 0 && !replacing) {
      const other = attached[0]!;
      if (!ctx.options.adopt) {
        throw new UserError(`user ${user} already has an MFA device attached (${other})`, {
          next: `run setup with --adopt to use that device as it is, or remove it first: aws iam deactivate-mfa-device --user-name ${user} --serial-number ${other}`,
        });
      }
      ctx.state.mfaSerial = other;
      const notOurs = ctx.options.rePair ? badInput(`--re-pair replaces only the MFA device setup created (${serial}); user ${user} has ${other}`, `remove that device yourself (aws iam deactivate-mfa-device --user-name ${user} --serial-number ${other}), then run setup again`) : undefined;
      return { item: { step: 'mfa-device', resource: `MFA device ${other} of user ${user}`, status: 'exists', summary: 'exists (adopted, not created by rolegate)' }, blocker: notOurs ?? notOnKey(other) };
    }
    ctx.state.mfaSerial = serial;
    const device = await virtualMfaDevice(ctx.iam, serial);
    const assignedTo = device?.User?.UserName;
    if (device && assignedTo && assignedTo !== user) {
      throw new UserError(`a virtual MFA device named ${serial} is attached to another user (${assignedTo})`, {
        next: 'pick another user name with --user-name NAME',
      });
    }
    const leftover = device !== undefined;
    // (re-pairing replaces the user's enabled device knowingly: the plan says so)
    if (leftover && !replacing && pending !== serial && !isManaged(device.Tags) && !ctx.options.adopt) {
      throw new UserError(`an unpaired virtual MFA device named ${serial} exists that rolegate did not create`, {
        next: `delete it (aws iam delete-virtual-mfa-device --serial-number ${serial}) or run setup with --adopt to replace it`,
      });
    }
    const unavailable = ctx.options.mfaDevice === 'yubikey'
      ? undefined
      : (await import('../../prompt/mfaPairing.js')).pairingUnavailableReason({
          pairCommand: ctx.options.mfaPairCommand,
          codeCommand: ctx.options.mfaCodeCommand,
        });
    // An account of that name on the key is never overwritten silently. One an interrupted run of
    // ours wrote (the progress record names this device) holds the seed of the device replaced now.
    const clash = yubikey?.accounts.includes(accountId) ?? false;
    const replaceAccount = clash && (pending === serial || replacing);
    const clashBlocker =
      clash && !replaceAccount
        ? badInput(
            `${keyName} already holds an OATH account ${accountId}, and setup never overwrites one`,
            `if it is an old one you no longer need (user ${user} has no MFA device enabled, so it gives no code AWS accepts), delete it: ykman${yubikey?.serial ? ` --device ${yubikey.serial}` : ''} oath accounts delete ${accountId}; then run setup again`,
          )
        : undefined;
    const pairing = yubikey
      ? `paired on ${keyName} (account ${accountId}${ctx.options.yubikeyTouch ? ', touch required' : ''}${replaceAccount ? `; the account ${replacing ? 'of the device replaced' : 'an interrupted run left'} on the key is replaced` : ''})`
      : 'paired';
    return {
      item: {
        step: 'mfa-device',
        resource,
        status: replacing ? 'update' : 'create',
        summary: replacing
          ? `enabled; --re-pair: it will be deactivated and deleted (its codes stop working), and a new device created and ${pairing}`
          : leftover
            ? `an unpaired device from an interrupted run will be replaced, then ${pairing}`
            : `will be created and ${pairing}`,
      },
      blocker: clashBlocker ?? (unavailable ? badInput(unavailable, 'run setup in a terminal, or pass --mfa-pair-command CMD and --mfa-code-command CMD') : undefined),
      apply: async () => {
        await awsCall('iam:TagUser', () => ctx.iam.send(new TagUserCommand({ UserName: user, Tags: [{ Key: PENDING_MFA_TAG, Value: serial }] })));
        // re-pairing: from here until the new device is enabled the user has none; the progress
        // record lets a rerun (with or without --re-pair) create and pair it
        if (replacing) await awsCall('iam:DeactivateMFADevice', () => ctx.iam.send(new DeactivateMFADeviceCommand({ UserName: user, SerialNumber: serial })));
        if (leftover) {
          await awsCall('iam:DeleteVirtualMFADevice', () => ctx.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })));
        }
        const created = await createDeviceOnce(ctx, user, serial);
        ctx.checkpoint('mfa-device:created');
        const seedBytes = created.VirtualMFADevice?.Base32StringSeed;
        if (!seedBytes) throw new Error('CreateVirtualMFADevice returned no seed');
        const seed = new TextDecoder().decode(seedBytes);
        const deviceSerial = created.VirtualMFADevice?.SerialNumber ?? serial;
        const { pairMfaDevice, freshPairingCodes } = await import('../../prompt/mfaPairing.js');
        const pairing = {
          seed,
          account: accountName,
          pairCommand: ctx.options.mfaPairCommand,
          codeCommand: ctx.options.mfaCodeCommand,
          env: ctx.env,
          skipWait: skipTotpWait(ctx.env),
          write: ctx.io.terminal,
        };
        const onYubikey = ctx.options.mfaDevice === 'yubikey';
        let codes = onYubikey ? await pairOnYubikey(ctx, { seed, accountName, serial: deviceSerial, replaceAccount, keyName }) : await pairMfaDevice(pairing);
        // Two new codes from the same source: the key's account (written above) or the person / command.
        const freshCodes = (spent: { code1: string; code2: string }, why: string) =>
          freshPairingCodes(onYubikey ? { ...pairing, command: ctx.state.yubikey!.command, label: 'ykman oath accounts code' } : pairing, spent, why);
        // The codes are used once: the SDK resends EnableMFADevice only after failures before AWS
        // read it (mfaCodeIamClient); after a lost answer the device's state is read, and only a
        // device still not enabled is enabled again, with two new codes.
        const iam = mfaCodeIamClient(ctx.iam);
        const isEnabled = async () => (await userMfaSerials(ctx.iam, user).catch((): string[] => [])).includes(deviceSerial);
        try {
          for (let send = 1; ; send++) {
            const enable = new EnableMFADeviceCommand({ UserName: user, SerialNumber: deviceSerial, AuthenticationCode1: codes.code1, AuthenticationCode2: codes.code2 });
            try {
              await retryWhileSpreading(() => awsCall('iam:EnableMFADevice', () => iam.send(enable)), isNotFound, { maxWaitMs: 15_000 });
              break;
            } catch (error) {
              // an enable whose answer was lost may have worked (and a repeat fails: the codes are spent)
              if (await isEnabled()) break;
              if (send >= ENABLE_SENDS || !spendsMfaCode(error)) throw error;
              codes = await freshCodes(codes, error.message);
            }
          }
        } catch (error) {
          if (errorCode(error) === 'InvalidAuthenticationCode') {
            throw new UserError('AWS did not accept the two MFA codes (is the device clock right?)', {
              next: 'run setup again: the unpaired device is replaced and paired anew',
              cause: error,
            });
          }
          throw error;
        }
        await recordPairingWindow(ctx, deviceSerial, seed, codes.code2);
        await awsCall('iam:UntagUser', () => ctx.iam.send(new UntagUserCommand({ UserName: user, TagKeys: [PENDING_MFA_TAG] })));
        // on an adopted user, the device is recorded: teardown removes only what setup added
        if (isAdopted(userInfo?.Tags)) await awsCall('iam:TagUser', () => ctx.iam.send(new TagUserCommand({ UserName: user, Tags: [{ Key: ADDED_MFA_TAG, Value: deviceSerial }] })));
        return replacing ? 'replaced and paired anew' : 'created and paired';
      },
    };
  },
};

/**
 * Pairing sent the codes of two windows: the later one is recorded as the device's last used
 * window (credentials/mfaWindow.ts), so the first use right after (setup's elevation proof, the
 * first credential-process) waits for a code AWS has not seen.
 */
async function recordPairingWindow(ctx: SetupContext, serial: string, seed: string, code2: string): Promise<void> {
  const [{ Secret, TOTP }, { totpWindow, withMfaDevice }] = await Promise.all([import('otpauth'), import('../../credentials/mfaWindow.js')]);
  const now = Date.now();
  const delta = new TOTP({ secret: Secret.fromBase32(seed), algorithm: 'SHA1', digits: 6, period: 30 }).validate({ token: code2, timestamp: now, window: 2 });
  await withMfaDevice(serial, ctx.env, (device) => device.markUsed(totpWindow(now) + (delta ?? 1)));
}

/**
 * --mfa-device yubikey: the seed goes into the key (ykman, on stdin), and the key gives the two
 * pairing codes through the very command the profiles will run as mfa_process. If that fails, the
 * account written and the unpaired device are removed now; what cannot be removed, the progress
 * record (PENDING_MFA_TAG) lets the next run replace, and teardown delete.
 */
async function pairOnYubikey(
  ctx: SetupContext,
  p: { seed: string; accountName: string; serial: string; replaceAccount: boolean; keyName: string },
): Promise<{ code1: string; code2: string }> {
  const yubikey = ctx.state.yubikey;
  if (!yubikey) throw new Error('--mfa-device yubikey without the preflight having found the key');
  const { addOathAccount, deleteOathAccount, oathAccountId } = await import('../../prompt/yubikeyOath.js');
  const target = { serial: yubikey.serial, env: ctx.env };
  let written = false;
  try {
    await addOathAccount(target, p.accountName, p.seed, { touch: Boolean(ctx.options.yubikeyTouch), replace: p.replaceAccount });
    written = true;
    ctx.checkpoint('mfa-device:on-key');
    ctx.io.terminal(
      `The MFA seed is now in ${p.keyName} as account ${oathAccountId(p.accountName)}; rolegate keeps no copy.\n` +
        `Reading two consecutive codes from the key (one per 30 s window)${ctx.options.yubikeyTouch ? '; touch the key each time ykman asks' : ''}...\n`,
    );
    const { pairingCodesFromCommand } = await import('../../prompt/mfaPairing.js');
    const codes = await pairingCodesFromCommand({
      seed: p.seed,
      account: p.accountName,
      command: yubikey.command,
      label: 'ykman oath accounts code',
      env: ctx.env,
      skipWait: skipTotpWait(ctx.env),
      write: ctx.io.terminal,
    });
    // AWS accepts a code once: the key's code of this window went into pairing
    const nextWindow = new Date((Math.floor(Date.now() / 30_000) + 1) * 30_000).toISOString().slice(11, 19);
    ctx.io.terminal(`Paired. The key's code of this 30 s window is spent; AWS takes its codes again from ${nextWindow} UTC.\n`);
    return codes;
  } catch (error) {
    const undone: string[] = [];
    const keyClear = !written || (await deleteOathAccount(target, p.accountName));
    if (written && keyClear) undone.push(`the account ${oathAccountId(p.accountName)} on ${p.keyName}`);
    try {
      await awsCall('iam:DeleteVirtualMFADevice', () => ctx.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: p.serial })));
      undone.push(`the unpaired MFA device ${p.serial}`);
      // the record goes only when nothing is left: it also lets the next run replace the account
      if (keyClear) await awsCall('iam:UntagUser', () => ctx.iam.send(new UntagUserCommand({ UserName: ctx.options.userName, TagKeys: [PENDING_MFA_TAG] })));
    } catch {
      // the progress record stays on the user: the next run replaces the device, teardown deletes it
    }
    if (undone.length) ctx.io.line(`  removed again, since pairing did not finish: ${undone.join(' and ')}`);
    throw error;
  }
}

/**
 * CreateVirtualMFADevice, made once: the SDK would repeat it after a lost answer, and the repeat
 * fails (the name is taken) while the seed of the device the first call made is gone. So when the
 * answer is lost, an unpaired device of that serial is deleted and the call made once more. If that
 * cannot be done now, the progress record on the user (PENDING_MFA_TAG) marks the device as ours,
 * and the next run replaces it.
 */
async function createDeviceOnce(ctx: SetupContext, user: string, serial: string) {
  const iam = singleAttemptIamClient(ctx.iam);
  const create = () => awsCall('iam:CreateVirtualMFADevice', () => iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: user, Tags: [MANAGED_TAG] })));
  const unsettled = (error: AwsTransientError) =>
    new UserError(`${error.message}; AWS may have created the MFA device ${serial} without its seed reaching setup`, {
      next: `${error.next ?? 'run setup again'}; \`rolegate setup\` then replaces that unpaired device`,
      cause: error,
    });
  try {
    return await create();
  } catch (error) {
    if (!isAwsTransientError(error) || !error.mayHaveRun) throw error;
    let leftover = false;
    try {
      const device = await virtualMfaDevice(ctx.iam, serial);
      leftover = device !== undefined && !device.User;
      if (leftover) await awsCall('iam:DeleteVirtualMFADevice', () => ctx.iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })));
    } catch {
      throw unsettled(error);
    }
    ctx.io.line(
      `note: the answer to iam:CreateVirtualMFADevice was lost (${error.reason}); ` +
        (leftover ? 'deleted the device it had created, whose seed never arrived, and creating another' : 'no device was created; trying once more'),
    );
    try {
      return await create();
    } catch (again) {
      if (isAwsTransientError(again) && again.mayHaveRun) throw unsettled(again);
      throw again;
    }
  }
}
