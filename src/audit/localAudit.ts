/**
 * Local findings, offline: what on this laptop would hand an attacker AWS access, or hand it on
 * more easily than it should. Reads files only; network lookups (key owner, key age) are done by
 * the caller and passed in.
 */
import { readdir, stat } from 'node:fs/promises';
import { FileRefusedError, LIMITS, readCheckedFile } from '../files/checkedFile.cjs';
import { join } from 'node:path';
import type { ProfileValues, SharedProfiles } from '../config/profiles.js';
import { BACKUP_SUFFIX } from '../config/sharedFileEditor.js';
import type { Finding } from './finding.js';
import { quotePosix } from '../shellQuote.js';
import { roleChainBase, SIGN_IN_BASES } from '../config/profileKind.js';
import { describeTrustProblem, pathTrustProblems, trustFix } from '../files/pathTrust.js';
import { maskKeyId, scanText, type SecretHit } from './secretScan.js';

export interface LongTermKeyOnDisk {
  accessKeyId: string;
  secretAccessKey: string;
  /** `profile NAME (FILE)` or `environment`. */
  source: 'credentials-file' | 'config-file' | 'environment';
  profile?: string;
  file?: string;
}

export interface LocalAuditInput {
  env: NodeJS.ProcessEnv;
  shared: SharedProfiles;
  configFile: string;
  credentialsFile: string;
  /** Cache folders checked for expired entries and loose permissions: the AWS CLI's assume-role cache, rolegate's sessions. */
  awsCliCacheDir: string;
  rolegateSessionDir: string;
  /** rolegate's encrypted key file (the `file` store), checked for loose permissions. */
  keyFile?: string;
  /** Access key id → owner ARN, from STS or a cache, where known. */
  identities?: Map<string, string>;
  /** Access key id → creation date, from IAM, where known. */
  keyCreated?: Map<string, Date>;
  now?: Date;
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || '/';
}

function str(values: ProfileValues | undefined, key: string): string | undefined {
  const value = values?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Long-term keys written in the shared files or the environment (session credentials are not). */
export function longTermKeys(input: Pick<LocalAuditInput, 'env' | 'shared' | 'configFile' | 'credentialsFile'>): LongTermKeyOnDisk[] {
  const keys: LongTermKeyOnDisk[] = [];
  const fromFile = (map: Map<string, ProfileValues>, source: 'credentials-file' | 'config-file', file: string) => {
    for (const [profile, values] of map) {
      const accessKeyId = str(values, 'aws_access_key_id');
      const secretAccessKey = str(values, 'aws_secret_access_key');
      if (!accessKeyId || !secretAccessKey) continue;
      if (str(values, 'aws_session_token') || str(values, 'aws_security_token') || accessKeyId.startsWith('ASIA')) continue;
      keys.push({ accessKeyId, secretAccessKey, source, profile, file });
    }
  };
  fromFile(input.shared.credentials, 'credentials-file', input.credentialsFile);
  fromFile(input.shared.config, 'config-file', input.configFile);
  const envId = input.env.AWS_ACCESS_KEY_ID?.trim();
  const envSecret = (input.env.AWS_SECRET_ACCESS_KEY ?? input.env.AWS_SECRET_KEY)?.trim();
  if (envId && envSecret && !input.env.AWS_SESSION_TOKEN && !input.env.AWS_SECURITY_TOKEN && !envId.startsWith('ASIA')) {
    keys.push({ accessKeyId: envId, secretAccessKey: envSecret, source: 'environment' });
  }
  return keys;
}

const DAY = 86_400_000;

function rootKeyFinding(masked: string, owner: string, where: string, profile: string | undefined, file: string | undefined): Finding {
  return {
    id: 'local.root-key',
    scope: 'local',
    severity: 'critical',
    title: `The access key ${masked} belongs to the account root user (${owner})`,
    where,
    ...(file ? { location: { file } } : {}),
    fix: `rolegate setup${profile ? ` --bootstrap-profile ${quotePosix(profile)}` : ''} --delete-root-keys   # creates the read-only user and admin role, then deletes this root key`,
  };
}

function keyFindings(input: LocalAuditInput, now: Date, cachedIdentities: Map<string, string>): Finding[] {
  const findings: Finding[] = [];
  const keys = longTermKeys(input);
  // A key in rolegate's store, whose cached session says it is root (offline: from the cache alone).
  for (const [profile, arn] of cachedIdentities) {
    if (!/:root$/.test(arn) || keys.some((k) => k.profile === profile)) continue;
    findings.push(rootKeyFinding('of this profile', arn, `profile ${profile} (key in rolegate's store; identity from rolegate's session cache)`, profile, undefined));
  }
  for (const key of keys) {
    const masked = maskKeyId(key.accessKeyId);
    const created = input.keyCreated?.get(key.accessKeyId);
    const age = created ? `, ${Math.floor((now.getTime() - created.getTime()) / DAY)} days old` : '';
    const where = key.source === 'environment' ? 'environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' : `profile ${key.profile} in ${key.file}`;
    if (key.source === 'environment') {
      findings.push({
        id: 'local.env-long-term-key',
        scope: 'local',
        severity: 'high',
        title: `A long-term access key (${masked}${age}) is set in the environment, where every process and child process can read it`,
        where,
        fix: 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY   # and remove the export from your shell start-up files; use `rolegate exec PROFILE -- CMD` for short-lived credentials',
      });
    } else {
      findings.push({
        id: 'local.plaintext-key',
        scope: 'local',
        severity: 'medium',
        title: `A long-term access key (${masked}${age}) is stored in plaintext`,
        where,
        location: { file: key.file! },
        fix: plaintextKeyFix(input.shared, key.profile ?? 'default'),
      });
    }
    const owner = input.identities?.get(key.accessKeyId) ?? (key.profile ? cachedIdentities.get(key.profile) : undefined);
    if (owner && /:root$/.test(owner)) findings.push(rootKeyFinding(masked, owner, where, key.profile, key.file));
  }
  return findings;
}

/**
 * What works for a plaintext key: `rolegate import` for a key with an MFA device (rolegate serves
 * MFA sessions); a key without one (a bootstrap admin's) is replaced by setup, then deleted.
 */
function plaintextKeyFix(shared: SharedProfiles, profile: string): string {
  const text = (values: ProfileValues | undefined, name: string) => (typeof values?.[name] === 'string' && String(values[name]).trim() ? String(values[name]).trim() : undefined);
  const own = (name: string) => text(shared.config.get(name), 'mfa_serial') ?? text(shared.credentials.get(name), 'mfa_serial');
  const names = new Set([...shared.config.keys(), ...shared.credentials.keys()]);
  const dependent = [...names].some((name) => {
    const values = { ...shared.config.get(name), ...shared.credentials.get(name) };
    return (text(values, 'source_profile') ?? text(values, 'rolegate_source_profile')) === profile && text(values, 'mfa_serial') !== undefined;
  });
  const p = quotePosix(profile);
  if (own(profile) || dependent) return `rolegate import ${p} --store keychain   # or --store file`;
  return (
    `rolegate setup --bootstrap-profile ${p}   # this key has no MFA device, so rolegate cannot serve it; ` +
    `once the new profiles work, delete it: aws --profile ${p} iam delete-access-key --access-key-id "$(aws configure get aws_access_key_id --profile ${p})", and remove [${profile}]`
  );
}

/** rolegate keeps `<file>.rolegate.bak` beside each shared file it edits: after an import, it still holds the key. */
export function backupFiles(input: Pick<LocalAuditInput, 'configFile' | 'credentialsFile'>): string[] {
  return [input.credentialsFile + BACKUP_SUFFIX, input.configFile + BACKUP_SUFFIX];
}

const SECRET_LINE = /^\s*aws_secret_access_key\s*[=:]\s*\S/im;
const KEY_ID_LINE = /^\s*aws_access_key_id\s*[=:]\s*(\S+)/im;

async function backupFindings(input: LocalAuditInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of backupFiles(input)) {
    let text: string | undefined;
    try {
      text = readCheckedFile(file, { maxBytes: LIMITS.sharedFile })?.toString('utf8');
    } catch {
      continue;
    }
    if (text === undefined || !SECRET_LINE.test(text)) continue;
    const id = KEY_ID_LINE.exec(text)?.[1];
    findings.push({
      id: 'local.plaintext-key',
      scope: 'local',
      severity: 'medium',
      title: `A backup of an AWS shared file still holds a long-term access key${id ? ` (${maskKeyId(id)})` : ''} in plaintext`,
      where: file,
      location: { file },
      fix: `rm ${quotePosix(file)}   # once aws sts get-caller-identity works without it`,
    });
  }
  return findings;
}

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}

/** The owner of a file that is not the user's own (chmod would fail on it), else undefined. */
async function otherOwner(path: string): Promise<number | undefined> {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  try {
    const owner = (await stat(path)).uid;
    return owner === uid ? undefined : owner;
  } catch {
    return undefined;
  }
}

function permissionFinding(path: string, mode: number, holdsSecrets: boolean): Finding | undefined {
  const writable = (mode & 0o022) !== 0;
  const readable = (mode & 0o044) !== 0;
  if (!writable && !readable) return undefined;
  const what = writable ? 'writable' : 'readable';
  return {
    id: 'local.file-permissions',
    scope: 'local',
    // writable: anyone could add a credential_process and run code as you
    severity: writable || holdsSecrets ? 'high' : 'medium',
    title: `${path} is ${what} by other users (mode ${mode.toString(8).padStart(4, '0')})`,
    where: path,
    location: { file: path },
    fix: `chmod 600 ${quotePosix(path)}`,
  };
}

/**
 * The shared files and the folders above them, as rolegate checks them before running a command
 * from them (files/pathTrust.ts): another user's file, or one in a folder others can write, may
 * hold a command that runs as you.
 */
async function trustFindings(input: LocalAuditInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const file of [input.configFile, input.credentialsFile]) {
    if ((await modeOf(file)) === undefined) continue;
    for (const problem of await pathTrustProblems(file, input.env)) {
      // a writable file of the user's own: the permission finding says it (chmod 600)
      if (problem.kind === 'writable' && !problem.directory && problem.owner === process.getuid?.()) continue;
      const key = `${problem.kind} ${problem.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({
        id: problem.kind === 'owner' ? 'local.foreign-owner' : 'local.writable-path',
        scope: 'local',
        severity: 'high',
        title: `${describeTrustProblem(problem)}: another user could put a command (mfa_process, credential_process) in ${file} that runs as you`,
        where: problem.path,
        location: { file },
        fix: trustFix(problem),
      });
    }
  }
  return findings;
}

async function permissionFindings(input: LocalAuditInput, cacheFiles: string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const candidates: Array<[string, boolean]> = [
    [input.credentialsFile, true],
    [input.configFile, false],
    ...backupFiles(input).map((f): [string, boolean] => [f, true]),
    // encrypted, but a copy invites an offline guess at the passphrase
    ...(input.keyFile ? [[input.keyFile, true] as [string, boolean]] : []),
    ...cacheFiles.map((f): [string, boolean] => [f, true]),
  ];
  for (const [path, secrets] of candidates) {
    const mode = await modeOf(path);
    if (mode === undefined) continue;
    const owner = await otherOwner(path);
    // another user's shared file is the trust finding's (a fix that works); root's gets a copy of one's own
    if (owner !== undefined && owner !== 0 && (path === input.configFile || path === input.credentialsFile)) continue;
    const finding = permissionFinding(path, mode, secrets);
    if (finding && owner !== undefined) finding.fix = trustFix({ path, directory: false, kind: 'owner', owner, mode });
    if (finding) findings.push(finding);
  }
  return findings;
}

/** Shell history and start-up files; HISTFILE too when it points elsewhere. */
export function shellFiles(env: NodeJS.ProcessEnv): string[] {
  const h = home(env);
  const files = [
    '.bash_history',
    '.zsh_history',
    '.local/share/fish/fish_history',
    '.bashrc',
    '.bash_profile',
    '.zshrc',
    '.zshenv',
    '.zprofile',
    '.profile',
    '.config/fish/config.fish',
    '.local/share/powershell/PSReadLine/ConsoleHost_history.txt',
  ].map((f) => join(h, f));
  if (env.HISTFILE && !files.includes(env.HISTFILE)) files.push(env.HISTFILE);
  return files;
}

function describeHit(hit: SecretHit): string {
  const parts: string[] = [];
  if (hit.kinds.includes('secret-access-key')) parts.push('a secret access key');
  if (hit.kinds.includes('access-key-id')) parts.push(`an access key id (${hit.keyIdPrefix ?? 'AKIA…'})`);
  if (hit.kinds.includes('session-token')) parts.push('a session token');
  const text = parts.join(' and ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function unreadFileFinding(file: string, why: string): Finding {
  return {
    id: 'local.unscanned-file',
    scope: 'local',
    severity: 'info',
    title: `${file} was not scanned for secrets: ${why}`,
    where: file,
    location: { file },
    fix: `ls -l ${quotePosix(file)}   # audit scans regular files up to ${LIMITS.shellFile / 1024 / 1024} MiB; check what this one is`,
  };
}

async function shellFindings(env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of shellFiles(env)) {
    let text: string | undefined;
    try {
      // never blocks on a FIFO (a HISTFILE can be anything), never reads a device or a huge file
      text = readCheckedFile(file, { maxBytes: LIMITS.shellFile })?.toString('utf8');
    } catch (error) {
      if (error instanceof FileRefusedError) findings.push(unreadFileFinding(file, error.message));
      continue;
    }
    if (text === undefined) continue;
    for (const hit of scanText(text)) {
      const secret = hit.kinds.includes('secret-access-key');
      const longTermId = hit.kinds.includes('access-key-id');
      findings.push({
        id: 'local.secret-in-shell-file',
        scope: 'local',
        severity: secret ? 'high' : longTermId ? 'medium' : 'low',
        title: `${describeHit(hit)} in ${file}, line ${hit.line}`,
        where: `${file}:${hit.line}`,
        location: { file, line: hit.line },
        // The line is blanked, not deleted: line numbers stay put, so the fixes of two hits in one
        // file can run in any order. perl -i behaves the same on Linux and macOS (sed -i does not).
        fix: `perl -i -pe 's/.*// if $. == ${hit.line}' ${quotePosix(file)}   # blanks line ${hit.line}${secret || longTermId ? '; then rotate that key: rolegate rotate (or aws iam update-access-key --status Inactive)' : ''}`,
      });
    }
  }
  return findings;
}

const ADMIN_LIKE = /admin|administrator|poweruser|power-user|fullaccess|full-access|superuser|owner|root|breakglass|break-glass/i;

function roleProfileFindings(input: LocalAuditInput): Finding[] {
  const findings: Finding[] = [];
  const signedIn: string[] = [];
  for (const [profile, values] of input.shared.config) {
    const guideRole = str(values, 'role_arn');
    const storeRole = str(values, 'rolegate_role_arn');
    const roleArn = storeRole ?? guideRole;
    if (!roleArn || str(values, 'mfa_serial')) continue;
    // no MFA applies to roles assumed from an instance, a web identity or SSO
    if (str(values, 'credential_source') || str(values, 'web_identity_token_file') || str(values, 'sso_session') || str(values, 'sso_start_url')) continue;
    const roleName = roleArn.split('/').pop() ?? roleArn;
    if (!ADMIN_LIKE.test(roleName) && !ADMIN_LIKE.test(profile)) continue;
    const chain = roleChainBase(input.shared, profile);
    // a role from an SSO or console sign-in: MFA happens at the identity provider (said once, below);
    // a role from a link with mfa_serial: that MFA context carries up the chain
    if (SIGN_IN_BASES.has(chain.base)) {
      signedIn.push(profile);
      continue;
    }
    if (chain.mfaBelow) continue;
    const source = storeRole ? str(values, 'rolegate_source_profile') : str(values, 'source_profile');
    const sourceSerial = source ? str(input.shared.config.get(source), 'mfa_serial') : undefined;
    // rolegate takes a store-layout role's mfa_serial from its source profile; botocore does not
    if (storeRole && sourceSerial) continue;
    const [, partition = 'aws', account = 'ACCOUNT_ID'] = /^arn:([^:]+):iam::(\d{12}):/.exec(roleArn) ?? [];
    const serial = sourceSerial ?? `arn:${partition}:iam::${account}:mfa/YOUR_USER`;
    findings.push({
      id: 'local.admin-role-without-mfa',
      scope: 'local',
      severity: 'high',
      title: `Profile ${profile} assumes the admin-like role ${roleArn} without mfa_serial, so no MFA code is asked for`,
      where: `profile ${profile} in ${input.configFile}`,
      location: { file: input.configFile },
      fix: `aws configure set mfa_serial ${quotePosix(serial)} --profile ${quotePosix(profile)}   # and require MFA in the role's trust policy (rolegate verify checks it)`,
    });
  }
  if (signedIn.length > 0) {
    findings.push({
      id: 'local.mfa-at-identity-provider',
      scope: 'local',
      severity: 'info',
      title: `Profile${signedIn.length > 1 ? 's' : ''} ${signedIn.join(', ')} assume${signedIn.length > 1 ? '' : 's'} an admin-like role from an IAM Identity Center or console sign-in: MFA happens at the identity provider, which audit cannot see`,
      where: `${signedIn.map((p) => `profile ${p}`).join(', ')} in ${input.configFile}`,
      location: { file: input.configFile },
      fix: '# no change to these profiles: require MFA in IAM Identity Center (Settings, Authentication) and for console sign-in',
    });
  }
  return findings;
}

async function listJson(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function expirationOf(entry: unknown): Date | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const record = entry as Record<string, unknown>;
  const credentials = (record.Credentials ?? record.credentials) as Record<string, unknown> | undefined;
  const raw = credentials?.Expiration ?? credentials?.expiration ?? record.Expiration ?? record.expiration;
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A cache entry's text, read without blocking and within the cache-entry limit (throws otherwise). */
function readCacheEntry(file: string, owned = false): string {
  return readCheckedFile(file, { maxBytes: LIMITS.cacheEntry, noFollow: true, private: owned })?.toString('utf8') ?? '';
}

/** rolegate's session cache names the identity behind each key profile: profile → ARN. */
async function cachedKeyIdentities(files: string[]): Promise<Map<string, string>> {
  const identities = new Map<string, string>();
  for (const file of files) {
    try {
      const entry = JSON.parse(readCacheEntry(file, true)) as Record<string, unknown>; // an identity only from an entry of ours
      if (entry.kind === 'session' && typeof entry.profile === 'string' && typeof entry.arn === 'string') identities.set(entry.profile, entry.arn);
    } catch {
      // not one of ours, or damaged
    }
  }
  return identities;
}

async function cacheFindings(files: string[], now: Date): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of files) {
    let expiration: Date | undefined;
    try {
      expiration = expirationOf(JSON.parse(readCacheEntry(file)));
    } catch {
      continue;
    }
    if (!expiration || expiration.getTime() > now.getTime()) continue;
    findings.push({
      id: 'local.expired-cache-entry',
      scope: 'local',
      severity: 'low',
      title: `Expired cached credentials (expired ${expiration.toISOString()}) are left on disk`,
      where: file,
      location: { file },
      fix: `rm ${quotePosix(file)}`,
    });
  }
  return findings;
}

export async function auditLocal(input: LocalAuditInput): Promise<Finding[]> {
  const now = input.now ?? new Date();
  const rolegateCacheFiles = await listJson(input.rolegateSessionDir);
  const cacheFiles = [...(await listJson(input.awsCliCacheDir)), ...rolegateCacheFiles];
  return [
    ...keyFindings(input, now, await cachedKeyIdentities(rolegateCacheFiles)),
    ...(await backupFindings(input)),
    ...(await trustFindings(input)),
    ...(await permissionFindings(input, cacheFiles)),
    ...(await shellFindings(input.env)),
    ...roleProfileFindings(input),
    ...(await cacheFindings(cacheFiles, now)),
  ];
}
