/**
 * Credentials of a `login_session` profile (console sign-in, `aws login`), through the AWS SDK's
 * own provider (@aws-sdk/credential-provider-login) and its cache, so rolegate, the AWS CLI and
 * the SDKs share one sign-in. The provider serves the cached credentials while more than 5 minutes
 * are left; otherwise it refreshes them through the sign-in service (CreateOAuth2Token with the
 * cached refresh token and a DPoP proof signed with the cached key) and writes the cache back.
 *
 * rolegate adds what the provider lacks: a lock around it, so any number of rolegate processes
 * started together make one refresh (the refresh token rotates: a second refresh from the same
 * file would race), bounded calls (timeouts, the proxy), and errors that say what to do.
 * The SDK loads only here, behind import(), never on the cache-hit path.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { TemporaryCredentials } from '../../cache/temporaryCredentials.cjs';
import { withLock } from '../../files/refreshLock.js';
import { lockFile } from '../../files/rolegatePaths.cjs';
import { callLimits, proxyAgents, proxyFor } from '../../aws/callSettings.js';
import { classifyAwsFailure, transientError, type AwsEndpoint } from '../../aws/networkErrors.js';
import { UserError } from '../../userError.js';
import { loginCacheFile } from './loginCacheFile.js';
import { loginCommand } from './loginCommand.js';
import { loginLockName } from './loginLock.js';

export { loginCommand, loginLockName };

/** What a login_session profile says (LoginSpec's fields). */
export interface LoginProfile {
  profile: string;
  loginSession: string;
  region?: string;
}

export interface LoginOptions {
  env: NodeJS.ProcessEnv;
  configFile: string;
  credentialsFile: string;
  /** Called once when this process waits for another one's refresh. */
  onWait?: (pid: number) => void;
  onWarning?: (message: string) => void;
}

export interface LoginResult {
  credentials: TemporaryCredentials;
  accountId?: string;
  /** The login cache file the credentials came from (the SDK's, shared with the AWS CLI). */
  cacheFile: string;
  /** This call refreshed them through the sign-in service. */
  refreshed: boolean;
}

/** The sign-in service's URL, as the SDK picks it (for messages). */
export function signinEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  return env.AWS_ENDPOINT_URL_SIGNIN || env.AWS_ENDPOINT_URL || `https://${region}.signin.aws.amazon.com`;
}

function regionOf(login: LoginProfile, env: NodeJS.ProcessEnv): string {
  return login.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** The SDK's request handler with rolegate's timeouts and proxy; remembers the last network failure. */
async function boundedHandler(url: string, env: NodeJS.ProcessEnv) {
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const limits = callLimits({ env, purpose: 'refresh' });
  const endpoint: AwsEndpoint = { service: 'Signin', url };
  const inner = new NodeHttpHandler(async () => {
    const timeouts = { connectionTimeout: limits.connectMs, requestTimeout: limits.requestMs, throwOnRequestTimeout: true, socketTimeout: limits.requestMs };
    const proxy = await proxyFor(url);
    if (!proxy) return timeouts;
    endpoint.proxy = proxy;
    return { ...timeouts, ...(await proxyAgents(proxy)) };
  });
  const seen: { error?: unknown } = {};
  const handler = {
    metadata: inner.metadata,
    handle: async (...args: Parameters<typeof inner.handle>) => {
      try {
        return await inner.handle(...args);
      } catch (error) {
        seen.error = error;
        throw error;
      }
    },
    updateHttpClientConfig: inner.updateHttpClientConfig.bind(inner),
    httpHandlerConfigs: inner.httpHandlerConfigs.bind(inner),
    destroy: inner.destroy.bind(inner),
  };
  return { handler, seen, limits, endpoint };
}

/** The provider's error, for a person: what happened and the command that fixes it. */
function userErrorOf(error: unknown, login: LoginProfile, network: { error?: unknown }, call: Awaited<ReturnType<typeof boundedHandler>>): UserError {
  const failure = network.error === undefined ? undefined : classifyAwsFailure(network.error);
  if (failure) return transientError(network.error, failure, { endpoint: call.endpoint, operation: 'signin:CreateOAuth2Token', limits: call.limits });
  const message = error instanceof Error ? error.message : String(error);
  const again = `${loginCommand(login.profile)} (AWS CLI 2.32 or later), then run this again`;
  if (/expired|reauthenticate|re-authenticate|password/i.test(message)) {
    return new UserError(`the console sign-in of profile ${login.profile} can no longer be renewed: ${message}`, { next: `sign in again: ${again}`, cause: error });
  }
  if (/missing fields|Failed to load token|JSON/i.test(message)) {
    return new UserError(`the console sign-in cache of profile ${login.profile} cannot be used: ${message}`, { next: `sign in again: ${again}`, cause: error });
  }
  return new UserError(`could not get the console sign-in credentials of profile ${login.profile}: ${message}`, { next: `run with --debug for details; if it persists, sign in again: ${again}`, cause: error });
}

/**
 * The profile's credentials from the SDK's provider, under the session's lock: served from the
 * login cache while they last more than 5 minutes, else refreshed once (whoever holds the lock
 * refreshes; the others then read the file it wrote).
 */
export async function resolveLoginCredentials(login: LoginProfile, options: LoginOptions): Promise<LoginResult> {
  const { env } = options;
  const cacheFile = loginCacheFile(login.loginSession, env);
  if (!existsSync(cacheFile)) {
    throw new UserError(`profile ${login.profile} uses a console sign-in (login_session), and there is none cached for it (${cacheFile})`, {
      next: `sign in: ${loginCommand(login.profile)} (AWS CLI 2.32 or later), then run this again`,
    });
  }
  const region = regionOf(login, env);
  const call = await boundedHandler(signinEndpoint(region, env), env);
  return withLock(
    lockFile(loginLockName(login.loginSession), env),
    async () => {
      const { fromLoginCredentials } = await import('@aws-sdk/credential-provider-login');
      const before = accessKeyIdIn(cacheFile);
      let identity;
      try {
        identity = await fromLoginCredentials({
          profile: login.profile,
          configFilepath: options.configFile,
          filepath: options.credentialsFile,
          // the provider keeps the existing credentials when a refresh fails while they last: say so
          logger: { debug: () => {}, info: () => {}, warn: (text: string) => options.onWarning?.(String(text)), error: () => {} },
          clientConfig: { region, requestHandler: call.handler, maxAttempts: call.limits.attempts },
        })();
      } catch (error) {
        throw userErrorOf(error, login, call.seen, call);
      } finally {
        call.handler.destroy();
      }
      if (!identity.sessionToken || !identity.expiration) {
        throw new UserError(`the console sign-in cache of profile ${login.profile} holds no temporary credentials`, { next: `sign in again: ${loginCommand(login.profile)}` });
      }
      const credentials: TemporaryCredentials = {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        sessionToken: identity.sessionToken,
        expiration: identity.expiration,
      };
      return { credentials, accountId: identity.accountId, cacheFile, refreshed: before !== credentials.accessKeyId };
    },
    { onWait: options.onWait },
  );
}

/** The access key id the login cache holds now (to tell whether the provider refreshed). */
function accessKeyIdIn(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    const id = (JSON.parse(text) as { accessToken?: { accessKeyId?: unknown } }).accessToken?.accessKeyId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
