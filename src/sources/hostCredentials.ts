/**
 * The credentials a role profile's `credential_source` names, as the AWS CLI and the SDKs read them:
 *   Environment          AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (and
 *                        AWS_CREDENTIAL_EXPIRATION)
 *   EcsContainer         the container credentials endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *                        (on 169.254.170.2) or _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
 *   Ec2InstanceMetadata  IMDSv2: a session token (PUT), then the instance role's credentials
 *                        (AWS_EC2_METADATA_SERVICE_ENDPOINT; AWS_EC2_METADATA_DISABLED=true turns it off)
 * Written with Node's own http rather than the SDK's providers: this module is on the refresh path
 * of credential-process, which bundles into one small file without the SDK (scripts/bundle.mjs).
 * Every request is bounded (2 s to connect and answer, as the SDK's providers).
 */
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { CredentialSourceName } from '../config/profileSpec.js';
import { NO_EXPIRY, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

const TIMEOUT_MS = 2000;

function httpCall(url: URL, method: 'GET' | 'PUT', headers: Record<string, string>): Promise<string> {
  if (url.protocol !== 'http:') return Promise.reject(new Error(`only http endpoints are read here, not ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${url.host} answered ${res.statusCode}`));
        else resolve(body);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url.host} did not answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

function fromJson(text: string, keys: { token: string }): TemporaryCredentials {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const accessKeyId = raw.AccessKeyId;
  const secretAccessKey = raw.SecretAccessKey;
  const sessionToken = raw[keys.token];
  const expiration = typeof raw.Expiration === 'string' ? new Date(raw.Expiration) : undefined;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string' || typeof sessionToken !== 'string' || !expiration || Number.isNaN(expiration.getTime())) {
    throw new Error('the answer holds no credentials');
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiration };
}

function fromEnvironment(env: NodeJS.ProcessEnv): TemporaryCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set');
  const sessionToken = env.AWS_SESSION_TOKEN ?? '';
  const expiration = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
  if (sessionToken && expiration && !Number.isNaN(expiration.getTime())) return { accessKeyId, secretAccessKey, sessionToken, expiration };
  return { accessKeyId, secretAccessKey, sessionToken, expiration: NO_EXPIRY, noExpiry: true };
}

async function fromContainer(env: NodeJS.ProcessEnv): Promise<TemporaryCredentials> {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!relative && !full) throw new Error('neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set');
  const url = new URL(relative ? `http://169.254.170.2${relative}` : full!);
  const tokenFile = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  const token = tokenFile ? (await readFile(tokenFile, 'utf8')).trim() : env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  return fromJson(await httpCall(url, 'GET', token ? { Authorization: token } : {}), { token: 'Token' });
}

async function fromInstanceMetadata(env: NodeJS.ProcessEnv): Promise<TemporaryCredentials> {
  if ((env.AWS_EC2_METADATA_DISABLED ?? '').toLowerCase() === 'true') throw new Error('AWS_EC2_METADATA_DISABLED is true');
  const base = new URL(env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? 'http://169.254.169.254/');
  const at = (path: string) => new URL(path, base);
  const token = await httpCall(at('/latest/api/token'), 'PUT', { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' });
  const headers = { 'x-aws-ec2-metadata-token': token };
  const role = (await httpCall(at('/latest/meta-data/iam/security-credentials/'), 'GET', headers)).split('\n')[0]?.trim();
  if (!role) throw new Error('the instance has no role');
  return fromJson(await httpCall(at(`/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`), 'GET', headers), { token: 'Token' });
}

/** The credentials `name` stands for, or an Error saying why there are none. */
export function hostCredentials(name: CredentialSourceName, env: NodeJS.ProcessEnv): Promise<TemporaryCredentials> {
  if (name === 'Environment') return Promise.resolve().then(() => fromEnvironment(env));
  if (name === 'EcsContainer') return fromContainer(env);
  return fromInstanceMetadata(env);
}
