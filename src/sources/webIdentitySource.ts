/**
 * Web identity role profiles (kind 'web-identity': role_arn + web_identity_token_file, no
 * source_profile or credential_source): an unsigned AssumeRoleWithWebIdentity (aws/stsQuery.ts)
 * with the token file's content, read fresh on every call (the file is rotated by whoever writes
 * it: Kubernetes, a CI runner). role_session_name and duration_seconds are sent as set.
 *
 * The credentials go in the AWS CLI's cache (~/.aws/cli/cache) under botocore's key for this
 * provider, sha1 of {"RoleArn"[, "RoleSessionName"]} (it neither sends nor keys duration_seconds),
 * so the AWS CLI and rolegate share them; a refresh runs under one lock per cache entry and looks
 * again once it holds it, so N callers started together cost one call. logout removes the cached
 * credentials, never the token file.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_ROLE_SECONDS, type WebIdentitySpec } from '../config/profileSpec.js';
import type { CacheKeyRole } from '../cache/awsCliCache.js';
import { lookupRoleEntry, refreshRoleEntry, removeRoleEntry } from './awsCliRoleEntry.js';
import { UserError } from '../userError.js';
import type { CredentialSource, ResolveOptions, SourceLookup } from './credentialSource.js';

function cacheKeyRole(web: WebIdentitySpec): CacheKeyRole {
  return { roleArn: web.roleArn, roleSessionName: web.roleSessionName };
}

function lookup(web: WebIdentitySpec, env: NodeJS.ProcessEnv, now: number, wantedMs?: number): Promise<SourceLookup> {
  return lookupRoleEntry(cacheKeyRole(web), web.durationSeconds ?? DEFAULT_ROLE_SECONDS, env, now, wantedMs);
}

/** The token, read now (never cached, never shown). */
async function readToken(web: WebIdentitySpec): Promise<string> {
  let token: string;
  try {
    token = await readFile(web.tokenFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (error as Error).message})`;
    throw new UserError(`profile ${web.profile}: its web_identity_token_file ${web.tokenFile} ${why}`, {
      cause: error,
      next: `run where the identity provider writes that token file, or fix web_identity_token_file of profile ${web.profile}`,
    });
  }
  if (token.trim() === '') {
    throw new UserError(`profile ${web.profile}: its web_identity_token_file ${web.tokenFile} is empty`, {
      next: `wait for the identity provider to write the token, or fix web_identity_token_file of profile ${web.profile}`,
    });
  }
  return token;
}

function roleSessionName(web: WebIdentitySpec): string {
  return web.roleSessionName ?? `rolegate-${web.profile}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

async function assume(web: WebIdentitySpec, options: ResolveOptions) {
  const env = options.env ?? process.env;
  const token = await readToken(web);
  const [{ createStsQuery }, { stsError }] = await Promise.all([import('../aws/stsQuery.js'), import('../credentials/stsErrors.js')]);
  const input = { RoleArn: web.roleArn, RoleSessionName: roleSessionName(web), WebIdentityToken: token, ...(web.durationSeconds !== undefined ? { DurationSeconds: web.durationSeconds } : {}) };
  try {
    const client = createStsQuery({ region: web.region, env, purpose: 'refresh' });
    return await client.assumeRoleWithWebIdentity(input);
  } catch (error) {
    const e = error as { name?: string; message?: string };
    const name = e.name ?? '';
    const message = (e.message ?? '').split('\n')[0] ?? '';
    if (/^(AccessDenied|InvalidIdentityToken|ExpiredTokenException|IDPRejectedClaim|IDPCommunicationError)$/.test(name)) {
      throw new UserError(`profile ${web.profile}: AWS refused AssumeRoleWithWebIdentity for ${web.roleArn} with the token in ${web.tokenFile} (${name}: ${message})`, {
        cause: error,
        next:
          name === 'ExpiredTokenException'
            ? 'the token has expired: let the identity provider write a new one, then run the command again'
            : `check the role's trust policy (a Federated principal for the token's issuer, action sts:AssumeRoleWithWebIdentity) and the token's audience and subject`,
      });
    }
    const said = stsError(error, { call: 'AssumeRole', profile: web.profile, roleArn: web.roleArn, keyProfile: web.profile }, env);
    throw said.message.includes(web.profile) ? said : new UserError(`profile ${web.profile}: ${said.message}`, { exitCode: said.exitCode, next: said.next, cause: error });
  }
}

export const webIdentitySource: CredentialSource<'web-identity'> = {
  kind: 'web-identity',
  lookup: (spec, env, now, wantedMs) => lookup(spec.webIdentity, env, now, wantedMs),
  resolve(spec, _shared, options) {
    const web = spec.webIdentity;
    return refreshRoleEntry(cacheKeyRole(web), web.durationSeconds ?? DEFAULT_ROLE_SECONDS, web, options, () => assume(web, options));
  },
  async status(spec, _shared, env, now) {
    const web = spec.webIdentity;
    const [found, { linkFromLookup }] = await Promise.all([lookup(web, env, now), import('./credentialSource.js')]);
    return { type: 'web identity role', from: `token file ${web.tokenFile}`, links: [linkFromLookup('role', found, now)], ...(found.credentials ? { usable: found.credentials } : {}) };
  },
  logout: (spec, _shared, env) => removeRoleEntry(cacheKeyRole(spec.webIdentity), env),
  console: (spec) => ({ kind: 'federate', arn: spec.webIdentity.roleArn }),
  // a new token file is written by the identity provider: renewing needs no person
  renewal: 'silently',
};
