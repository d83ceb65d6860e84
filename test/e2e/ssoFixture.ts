/**
 * What the IAM Identity Center tests share: moto (behind the strict layer) with the roles the
 * permission sets stand for, the SSO stand-in (test/harness/ssoStandIn.ts) in front of it, a
 * sandbox whose AWS CLI, boto3, SDK and rolegate reach the stand-in through
 * AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, and the config of an SSO profile `work`.
 */
import { before, after, beforeEach, afterEach } from 'node:test';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { IAMClient, CreateRoleCommand } from '@aws-sdk/client-iam';
import type { SharedMotoServer } from '../harness/moto.js';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { startSsoStandIn, type SsoStandIn, type StandInAccount } from '../harness/ssoStandIn.js';

export const ACCOUNT = '123456789012';
export const START_URL = 'https://example-corp.awsapps.com/start';
export const SESSION = 'corp';

export const WORK_CONFIG = `[profile work]
sso_session = ${SESSION}
sso_account_id = ${ACCOUNT}
sso_role_name = Admin
region = us-east-1

[sso-session ${SESSION}]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`;

export const LEGACY_CONFIG = `[profile old]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = ${ACCOUNT}
sso_role_name = Admin
region = us-east-1
`;

export interface SsoWorld {
  box: Sandbox;
  standIn: SsoStandIn;
}

export const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
export const tokenFileOf = (box: Sandbox, key: string) => join(box.home, '.aws', 'sso', 'cache', `${sha1(key)}.json`);
/** botocore's SSO role cache key: minified, key-sorted JSON. */
export const roleCacheFileOf = (box: Sandbox, args: Record<string, string>) =>
  join(box.home, '.aws', 'cli', 'cache', `${sha1(JSON.stringify(Object.fromEntries(Object.entries(args).sort(([a], [b]) => (a < b ? -1 : 1)))))}.json`);

/** Creates the roles a permission set stands for, in moto (trusting the account). */
export async function createRoles(endpoint: string, names: string[]): Promise<void> {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAEXAMPLEROOT00000', secretAccessKey: 'x'.repeat(40) } });
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
  for (const RoleName of names) await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust }));
  iam.destroy();
}

/**
 * A fresh sandbox and stand-in per test; `config` goes into the config file. The stand-in's
 * accounts: the moto account with roles Admin and ReadOnly (created in moto), plus `more`.
 */
export function useSsoWorld(moto: SharedMotoServer, options: { config?: string; more?: StandInAccount[]; deviceSeconds?: number; roleSeconds?: number } = {}): () => SsoWorld {
  let world: SsoWorld | undefined;
  before(async () => {
    await moto.started();
  });
  beforeEach(async () => {
    await createRoles(moto.endpoint, ['Admin', 'ReadOnly']);
    const standIn = await startSsoStandIn({
      stsEndpoint: moto.endpoint,
      accounts: [{ accountId: ACCOUNT, accountName: 'Main', roles: ['Admin', 'ReadOnly'] }, ...(options.more ?? [])],
      deviceSeconds: options.deviceSeconds,
      roleSeconds: options.roleSeconds,
    });
    const box = makeSandbox({ endpoint: moto.endpoint, extraEnv: { AWS_ENDPOINT_URL_SSO: standIn.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: standIn.endpoint } });
    writeFileSync(box.configFile, options.config ?? WORK_CONFIG, { mode: 0o600 });
    world = { box, standIn };
  });
  afterEach(async () => {
    await world?.standIn.close();
    world?.box.cleanup();
    world = undefined;
  });
  after(() => {});
  return () => {
    if (!world) throw new Error('the SSO world is used outside a test');
    return world;
  };
}

/** A sign-in made earlier (as `aws sso login` leaves it): the token file in botocore's format. */
export function writeCachedToken(
  world: SsoWorld,
  options: { key?: string; expiresInSeconds: number; refreshable?: boolean; startUrl?: string; mode?: number },
): { accessToken: string; refreshToken?: string; file: string } {
  const issued = world.standIn.issue({ startUrl: options.startUrl ?? START_URL, expiresInSeconds: options.expiresInSeconds, refreshable: options.refreshable });
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const token: Record<string, string> = { startUrl: options.startUrl ?? START_URL, region: 'us-east-1', accessToken: issued.accessToken, expiresAt: iso(issued.expiresAt) };
  if (issued.refreshToken) Object.assign(token, { clientId: issued.clientId, clientSecret: issued.clientSecret, registrationExpiresAt: iso(issued.registrationExpiresAt), refreshToken: issued.refreshToken });
  const file = tokenFileOf(world.box, options.key ?? SESSION);
  mkdirSync(join(world.box.home, '.aws', 'sso', 'cache'), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(token), { mode: options.mode ?? 0o600 });
  chmodSync(file, options.mode ?? 0o600);
  return { accessToken: issued.accessToken, refreshToken: issued.refreshToken, file };
}
