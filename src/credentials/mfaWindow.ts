/**
 * One code per TOTP window per MFA device, across processes. AWS takes each code once, and an
 * authenticator, `mfa_process`, a code command or a YubiKey shows the same code for a whole 30 s
 * window: two calls in one window (credential-process default, then admin with the direct chain;
 * pairing, then the first use) would send one code twice and the second would be refused.
 *
 * So each use of a device runs under the device's lock (`mfa-<serial>`, below the refresh locks),
 * and records the window its code was sent for: the window counter (Unix time / 30 s), never the
 * code, in `mfa/<serial>.json` under rolegate's cache folder. The code sources read it
 * (mfaCode.ts): a command waits for the next window; a code typed at a prompt in a used window is
 * refused before it is sent.
 */
import { lockFile, mfaWindowFile } from '../files/rolegatePaths.cjs';
import { withLock } from '../files/refreshLock.js';
import { readOptionalFile } from '../files/readOptionalFile.js';
import { writePrivateFile } from '../files/privateFile.js';

/** TOTP codes change every 30 s; AWS takes each code once. */
export const TOTP_STEP_MS = 30_000;

/** The TOTP window (counter) of a moment. */
export function totpWindow(ms: number): number {
  return Math.floor(ms / TOTP_STEP_MS);
}

export interface MfaDeviceUse {
  /** The last window a code of this device was sent to AWS for, if rolegate knows one. */
  usedWindow: number | undefined;
  /** Records that a code of `window` went to AWS (AWS may have taken it). */
  markUsed(window: number): Promise<void>;
}

async function readUsedWindow(serial: string, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  try {
    const text = await readOptionalFile(mfaWindowFile(serial, env), 4096);
    const record = text === undefined ? undefined : (JSON.parse(text) as { serial?: unknown; window?: unknown });
    return record && record.serial === serial && typeof record.window === 'number' && Number.isSafeInteger(record.window) ? record.window : undefined;
  } catch {
    return undefined; // a damaged record only costs a possibly refused code
  }
}

/**
 * Runs `use` holding the device's lock, with the window its last code was sent for. Held only
 * while a code is obtained and sent, so other devices and cache reads never wait for it.
 */
export function withMfaDevice<T>(serial: string, env: NodeJS.ProcessEnv, use: (device: MfaDeviceUse) => Promise<T>, options: { onWait?: (holderPid: number) => void } = {}): Promise<T> {
  return withLock(
    lockFile(`mfa-${serial}`, env),
    async () => {
      const device: MfaDeviceUse = {
        usedWindow: await readUsedWindow(serial, env),
        async markUsed(window) {
          if (device.usedWindow !== undefined && window <= device.usedWindow) return;
          device.usedWindow = window;
          await writePrivateFile(mfaWindowFile(serial, env), JSON.stringify({ version: 1, serial, window }) + '\n');
        },
      };
      return use(device);
    },
    options,
  );
}
