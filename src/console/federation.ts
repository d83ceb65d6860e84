/**
 * Asks the federation endpoint for a sign-in token (one GET, bounded, through HTTPS_PROXY when one
 * is set, as every other AWS call of rolegate). The request URL holds the temporary credentials and
 * the answer holds the token: neither is ever logged or put in an error message.
 */
import { UserError } from '../userError.js';
import type { ConsolePartition } from './partition.js';
import { signinTokenRequestUrl, type SessionCredentials } from './signinUrl.js';
import { testFederationEndpoint, testFederationTimeoutMs } from './testHooks.js';

export const FEDERATION_TIMEOUT_MS = 30_000;

async function proxyAgent(url: string) {
  const { getProxyForUrl } = await import('proxy-from-env');
  const proxy = getProxyForUrl(url);
  if (!proxy) return undefined;
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  return new HttpsProxyAgent(proxy);
}

function get(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    (async () => {
      const isHttps = url.startsWith('https:');
      const { request } = isHttps ? await import('node:https') : await import('node:http');
      const agent = isHttps ? await proxyAgent(url) : undefined;
      const req = request(url, { method: 'GET', agent, headers: { accept: 'application/json' }, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > 1 << 20) req.destroy(new Error('answer larger than 1 MB'));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      // one bound for the whole exchange, not only for idle sockets
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end();
    })().catch(reject);
  });
}

export async function requestSigninToken(
  partition: ConsolePartition,
  credentials: SessionCredentials,
  options: { env: NodeJS.ProcessEnv; sessionDurationSeconds?: number },
): Promise<string> {
  const endpoint = testFederationEndpoint(options.env) ?? partition.federation;
  const timeoutMs = testFederationTimeoutMs(options.env) ?? FEDERATION_TIMEOUT_MS;
  const where = new URL(endpoint).host;
  let answer: { status: number; body: string };
  try {
    answer = await get(signinTokenRequestUrl(endpoint, credentials, options.sessionDurationSeconds), timeoutMs);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    const why = code === 'ETIMEDOUT' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : code;
    // the message names the host only: the request URL carries the credentials
    throw new UserError(`could not get a console sign-in token from ${where} (${why})`, {
      next: 'check the network connection (and HTTPS_PROXY, if you need one), then run the command again',
    });
  }
  if (answer.status !== 200) {
    throw new UserError(`${where} refused to issue a console sign-in token (HTTP ${answer.status})`, {
      next:
        answer.status === 400
          ? 'the temporary credentials were not accepted for console sign-in; run `rolegate logout PROFILE` and try again, or report it with `--debug` output'
          : 'try again in a minute; if it persists, use `rolegate login --stdout` later',
    });
  }
  let token: unknown;
  try {
    token = (JSON.parse(answer.body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token === '') throw new UserError(`${where} answered without a sign-in token`, { next: 'run the command again; if it persists, report it' });
  return token;
}
