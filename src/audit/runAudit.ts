/**
 * `rolegate audit`: local findings (offline) and account findings (read-only IAM), combined.
 * With both scopes on, the keys found on disk are also looked up (owner via STS, age via IAM),
 * so a root key and a key's age are named; `--local` alone makes no network call.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { GetAccessKeyLastUsedCommand, ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Finding, FindingScope } from './finding.js';
import { sortFindings } from './finding.js';
import { isUserError } from '../userError.js';
import { isAwsTransientError } from '../aws/networkErrors.js';

export interface AuditOptions {
  local: boolean;
  account: boolean;
  /** Profile for the account audit; default: the SDK's default chain (AWS_PROFILE, env, default). */
  profile?: string;
  env?: NodeJS.ProcessEnv;
  now?: Date;
}

export interface AuditReport {
  scopes: FindingScope[];
  findings: Finding[];
  /** Checks that could not run, and why. */
  notes: string[];
  /** The subset of `notes` that are checks of the account that did not run: an account audit with any is incomplete. */
  unchecked: string[];
  accountId?: string;
}

function errorText(error: unknown): string {
  if (isUserError(error)) return error.message;
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'Error'}${e.message ? `: ${e.message.split('\n')[0]}` : ''}`;
}

async function lookUpKeys(
  keys: Array<{ accessKeyId: string; secretAccessKey: string }>,
  iam: IAMClient,
  env: NodeJS.ProcessEnv,
): Promise<{ identities: Map<string, string>; created: Map<string, Date> }> {
  const { createStsClient } = await import('../aws/clients.js');
  const identities = new Map<string, string>();
  const created = new Map<string, Date>();
  for (const key of keys) {
    if (identities.has(key.accessKeyId)) continue;
    try {
      // GetCallerIdentity needs no permission: it only names the key's owner.
      const sts = createStsClient({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, env });
      const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
      if (Arn) identities.set(key.accessKeyId, Arn);
    } catch {
      // a dead or foreign key: nothing more to learn
    }
    try {
      const { UserName } = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));
      if (UserName && UserName !== 'root') {
        const { AccessKeyMetadata = [] } = await iam.send(new ListAccessKeysCommand({ UserName }));
        const date = AccessKeyMetadata.find((k) => k.AccessKeyId === key.accessKeyId)?.CreateDate;
        if (date) created.set(key.accessKeyId, date);
      }
    } catch {
      // another account's key, or no permission: the age stays unknown
    }
  }
  return { identities, created };
}

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const env = options.env ?? process.env;
  const scopes: FindingScope[] = [];
  const findings: Finding[] = [];
  const notes: string[] = [];
  const unchecked: string[] = [];
  let accountId: string | undefined;
  let iam: IAMClient | undefined;
  let partition = 'aws';

  if (options.account) {
    scopes.push('account');
    const [{ createIamClient }, { createStsClient }] = await Promise.all([import('../aws/iamClient.js'), import('../aws/clients.js')]);
    const clientOptions = options.profile ? { profile: options.profile, env } : { env };
    try {
      const { Account, Arn } = await createStsClient(clientOptions).send(new GetCallerIdentityCommand({}));
      accountId = Account;
      partition = Arn?.split(':')[1] ?? 'aws';
      iam = createIamClient(clientOptions);
    } catch (error) {
      const why = isAwsTransientError(error) ? 'AWS could not be reached' : `no working credentials${options.profile ? ` for profile ${options.profile}` : ''}`;
      unchecked.push(`account audit not run: ${why} (${errorText(error)})`);
    }
    if (iam) {
      const { auditAccount } = await import('./accountAudit.js');
      const result = await auditAccount(iam, { now: options.now, partition, accountId });
      findings.push(...result.findings);
      unchecked.push(...result.notes);
    }
    notes.push(...unchecked);
  }

  if (options.local) {
    scopes.unshift('local');
    const { readSharedProfiles } = await import('../config/profiles.js');
    const { sharedFilePaths } = await import('../config/sharedFilePaths.js');
    const { awsCliCacheDir, keyFilePath, sessionCacheDir } = await import('../files/rolegatePaths.cjs');
    const { auditLocal, longTermKeys } = await import('./localAudit.js');
    const { configFile, credentialsFile } = sharedFilePaths(env);
    let shared;
    try {
      shared = await readSharedProfiles(env);
    } catch (error) {
      notes.push(`profiles not checked: ${error instanceof Error ? error.message : String(error)}`);
      shared = { config: new Map(), credentials: new Map() };
    }
    const input = { env, shared, configFile, credentialsFile, awsCliCacheDir: awsCliCacheDir(env), rolegateSessionDir: sessionCacheDir(env), keyFile: keyFilePath(env), now: options.now };
    let lookups: Awaited<ReturnType<typeof lookUpKeys>> | undefined;
    if (iam) lookups = await lookUpKeys(longTermKeys(input), iam, env);
    findings.push(...(await auditLocal({ ...input, identities: lookups?.identities, keyCreated: lookups?.created })));
  }
  return { scopes, findings: sortFindings(findings), notes, unchecked, ...(accountId ? { accountId } : {}) };
}
