/**
 * Sign-in to IAM Identity Center by OIDC device authorization, as `aws sso login` does: register a
 * public client (the registration cached in the token file is reused until it ends), start the
 * device authorization, let the person approve it in a browser (`present` opens one or prints the
 * URL and code), poll CreateToken every `interval` seconds (5 more after `slow_down`) until the
 * authorization's `expiresIn` ends, and write the token cache the AWS CLI and the SDKs read.
 */
import { hostname } from 'node:os';
import { UserError } from '../../userError.js';
import type { SsoSession } from './ssoConfig.js';
import { cacheTime, parseCacheTime, readTokenFile, tokenCacheFile, writeTokenFile, type SsoToken } from './tokenCache.js';

/** The scope an sso-session asks for when it names none (the AWS CLI's default): it brings a refresh token. */
export const DEFAULT_SCOPES = ['sso:account:access'];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** A cached registration is reused only while it has at least this long left. */
const REGISTRATION_MARGIN_MS = 60 * 60_000;

export interface DeviceCode {
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresInSeconds: number;
}

export interface SignInOptions {
  env: NodeJS.ProcessEnv;
  /** Shows the person where to approve (opens the browser or prints the URL and code). */
  present: (device: DeviceCode) => Promise<void>;
  /** A line of progress for the person (stderr). */
  report: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called just before the token file is written (a lock holder's "is it still mine" check). */
  beforeWrite?: () => void;
  /** Wait at most this long for the approval, even when the device code lives longer. */
  maxWaitSeconds?: number;
}

export interface SignInResult {
  file: string;
  expiresAt: number;
  refreshable: boolean;
  registrationReused: boolean;
}

interface Registration {
  clientId: string;
  clientSecret: string;
  registrationExpiresAt: string;
}

export async function deviceSignIn(session: SsoSession, options: SignInOptions): Promise<SignInResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { oidcClient, serviceErrorName } = await import('./ssoClients.js');
  const { RegisterClientCommand, StartDeviceAuthorizationCommand, CreateTokenCommand } = await import('@aws-sdk/client-sso-oidc');
  const client = oidcClient({ region: session.region, env: options.env, purpose: 'interactive' });
  const file = tokenCacheFile(session, options.env);
  try {
    const scopes = session.name !== undefined ? (session.scopes ?? DEFAULT_SCOPES) : undefined;
    let registration = cachedRegistration(readTokenFile(file).token, now());
    const registrationReused = registration !== undefined;
    if (!registration) {
      const answer = await client.send(
        new RegisterClientCommand({ clientName: `rolegate-${hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40)}-${Math.floor(now() / 1000)}`, clientType: 'public', ...(scopes ? { scopes } : {}) }),
      );
      if (!answer.clientId || !answer.clientSecret || !answer.clientSecretExpiresAt) throw new UserError('IAM Identity Center did not register rolegate as a client (the answer was incomplete)', { next: 'try again later' });
      registration = { clientId: answer.clientId, clientSecret: answer.clientSecret, registrationExpiresAt: cacheTime(answer.clientSecretExpiresAt * 1000) };
    }
    const device = await client.send(new StartDeviceAuthorizationCommand({ clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl: session.startUrl }));
    if (!device.deviceCode || !device.userCode || !device.verificationUri) throw new UserError('IAM Identity Center did not start the sign-in (the answer was incomplete)', { next: 'try again later' });
    const expiresInSeconds = Math.min(device.expiresIn ?? 600, options.maxWaitSeconds ?? Infinity);
    const deadline = now() + expiresInSeconds * 1000;
    await options.present({ userCode: device.userCode, verificationUri: device.verificationUri, verificationUriComplete: device.verificationUriComplete, expiresInSeconds });
    let intervalMs = Math.max(1, device.interval ?? 5) * 1000;
    for (;;) {
      await sleep(Math.min(intervalMs, Math.max(0, deadline - now())));
      if (now() >= deadline) break;
      try {
        const answer = await client.send(
          new CreateTokenCommand({ grantType: DEVICE_GRANT, deviceCode: device.deviceCode, clientId: registration.clientId, clientSecret: registration.clientSecret }),
        );
        if (!answer.accessToken || !answer.expiresIn) throw new UserError('IAM Identity Center answered the sign-in without an access token', { next: 'try again' });
        const token: SsoToken = {
          startUrl: session.startUrl,
          region: session.region,
          accessToken: answer.accessToken,
          expiresAt: cacheTime(now() + answer.expiresIn * 1000),
          ...registration,
          ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
        };
        await writeTokenFile(file, token, options.beforeWrite);
        return { file, expiresAt: parseCacheTime(token.expiresAt)!, refreshable: token.refreshToken !== undefined, registrationReused };
      } catch (error) {
        const name = serviceErrorName(error);
        if (name === 'AuthorizationPendingException') continue;
        if (name === 'SlowDownException') {
          intervalMs += 5000;
          continue;
        }
        if (name === 'ExpiredTokenException') break;
        if (name === 'AccessDeniedException') throw new UserError('the sign-in was denied in the browser', { next: 'run the command again and approve the request' });
        throw error;
      }
    }
    throw new UserError(`the sign-in was not approved within the ${spell(expiresInSeconds)} IAM Identity Center gave it (code ${device.userCode})`, {
      next: 'run the command again and approve the request in the browser',
    });
  } finally {
    client.destroy();
  }
}

function cachedRegistration(token: SsoToken | undefined, now: number): Registration | undefined {
  if (!token?.clientId || !token.clientSecret || !token.registrationExpiresAt) return undefined;
  const end = parseCacheTime(token.registrationExpiresAt);
  if (end === undefined || end - now < REGISTRATION_MARGIN_MS) return undefined;
  return { clientId: token.clientId, clientSecret: token.clientSecret, registrationExpiresAt: token.registrationExpiresAt };
}

function spell(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 60)} minutes` : `${seconds} seconds`;
}
