/**
 * Before setup deletes the account root's access key, it proves that the new arrangement elevates:
 * with the new key and a fresh MFA code (a TOTP window whose code has not gone to AWS,
 * credentials/mfaWindow.ts), GetSessionToken (900 s), then AssumeRole of the admin role with that
 * session (900 s). Right after setup's creates IAM may not have spread the new role, policy or key
 * yet: an AccessDenied (or an unknown key) is tried again, with backoff, for
 * ROLEGATE_KEY_WAIT_SECONDS (default 90), without another code (the session carries the MFA).
 * Any failure leaves the root key where it is; the caller says why.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { errorCode } from './awsErrors.js';
import type { SetupContext } from './step.js';

const NOT_YET = new Set(['AccessDenied', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException']);

export const IAM_DELAY_TEXT = 'IAM changes can take a minute to take effect';

export type ElevationProof = { ok: true; arn: string } | { ok: false; why: string };

/** Where the proof's code comes from: the pairing command, the YubiKey, else the terminal. */
function codeCommand(ctx: SetupContext): string | undefined {
  return ctx.options.mfaCodeCommand ?? ctx.state.yubikey?.command;
}

export async function proveElevation(ctx: SetupContext): Promise<ElevationProof> {
  const key = ctx.state.key;
  const serial = ctx.state.mfaSerial;
  const roleArn = ctx.names.roleArn;
  if (!key) return { ok: false, why: 'there is no new key to prove it with' };
  const command = codeCommand(ctx);
  const [{ createStsClient }, { codeFromCommand, codeFromPerson }, { withMfaDevice }, { isAwsTransientError }] = await Promise.all([
    import('../aws/clients.js'),
    import('../credentials/mfaCode.js'),
    import('../credentials/mfaWindow.js'),
    import('../aws/networkErrors.js'),
  ]);
  let terminal: typeof import('../prompt/mfaCodeTerminal.js') | undefined;
  if (!command) {
    terminal = await import('../prompt/mfaCodeTerminal.js');
    if (!terminal.terminalAvailable()) return { ok: false, why: 'no MFA code to prove elevation with (no terminal, no --mfa-code-command)' };
  }
  const region = ctx.options.region;
  let session;
  try {
    session = await withMfaDevice(serial, ctx.env, async (device) => {
      const { code, window } = command
        ? await codeFromCommand(command, ctx.env, { usedWindow: device.usedWindow, label: ctx.options.mfaCodeCommand ? '--mfa-code-command' : 'ykman oath accounts code', onNotice: (m) => ctx.io.line(`  ${m}`) })
        : await codeFromPerson(
            (note) => terminal!.promptMfaCodeOnTerminal(serial, { label: 'proving elevation before the root key is deleted', note: note ? `${note} ` : undefined }),
            ctx.env,
            { usedWindow: device.usedWindow },
          );
      const sts = createStsClient({ credentials: key, region, env: ctx.env, carriesMfaCode: true });
      try {
        const answer = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900, SerialNumber: serial, TokenCode: code }));
        await device.markUsed(window);
        return answer.Credentials;
      } catch (error) {
        if (!isAwsTransientError(error) || error.mayHaveRun) await device.markUsed(window);
        throw error;
      }
    });
  } catch (error) {
    return { ok: false, why: `GetSessionToken with ${serial} failed: ${describe(error)}` };
  }
  if (!session?.AccessKeyId || !session.SecretAccessKey || !session.SessionToken) return { ok: false, why: 'GetSessionToken returned no credentials' };
  const sts = createStsClient({
    credentials: { accessKeyId: session.AccessKeyId, secretAccessKey: session.SecretAccessKey, sessionToken: session.SessionToken },
    region,
    env: ctx.env,
  });
  const deadline = Date.now() + Number(ctx.env.ROLEGATE_KEY_WAIT_SECONDS ?? 90) * 1000;
  let delay = 1000;
  let said = false;
  for (;;) {
    try {
      const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rolegate-setup-proof', DurationSeconds: 900 }));
      const c = assumed.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) return { ok: false, why: 'AssumeRole returned no credentials' };
      const identity = await createStsClient({ credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }, region, env: ctx.env }).send(
        new GetCallerIdentityCommand({}),
      );
      return { ok: true, arn: identity.Arn ?? assumed.AssumedRoleUser?.Arn ?? roleArn };
    } catch (error) {
      const waited = Math.round((Date.now() - deadline) / 1000 + Number(ctx.env.ROLEGATE_KEY_WAIT_SECONDS ?? 90));
      if (!NOT_YET.has(errorCode(error) ?? '') || Date.now() + delay > deadline) {
        const spread = NOT_YET.has(errorCode(error) ?? '') ? ` (still after ${waited} s; ${IAM_DELAY_TEXT})` : '';
        return { ok: false, why: `AssumeRole ${roleArn} with MFA failed: ${describe(error)}${spread}` };
      }
      if (!said) {
        ctx.io.line(`  AssumeRole ${roleArn} was denied; ${IAM_DELAY_TEXT}: trying again for up to ${Math.round((deadline - Date.now()) / 1000)} s...`);
        said = true;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
