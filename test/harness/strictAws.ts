/**
 * The strict AWS layer: a small HTTP server on loopback in front of moto that enforces what rolegate
 * depends on and moto skips, and passes everything else through unchanged. Every end-to-end test
 * reaches moto through it (see `useMotoServer` in moto.ts).
 *
 * Enforced, each refused with AWS's own error code, HTTP status and message (see README, "What moto
 * cannot show", for the sources):
 * - MFA codes (GetSessionToken, AssumeRole): checked against the device's seed, which the layer
 *   reads from moto's CreateVirtualMFADevice answer as it passes through. A wrong code, a code
 *   outside the skew window (the previous, current and next 30 s step) and a code already used for
 *   that device are refused; so is a device that is not enabled for the calling user.
 * - EnableMFADevice wants two consecutive valid codes; both count as used.
 * - AssumeRole obeys the role's trust policy conditions on `aws:MultiFactorAuthPresent` and
 *   `aws:MultiFactorAuthAge` (Bool, BoolIfExists, Numeric*, IfExists; Deny before Allow), and
 *   `sts:ExternalId` (StringEquals: the request's ExternalId must be one of the values). The MFA
 *   context of a session (GetSessionToken with a code, or AssumeRole with a code) carries to the
 *   credentials made from it, with the time of the MFA sign-in.
 * - AssumeRole DurationSeconds: 900..43200; at most 3600 when the caller uses temporary credentials
 *   (role chaining, which includes a GetSessionToken session); at most the role's MaxSessionDuration.
 * - GetSessionToken: DurationSeconds 900..129600; refused to temporary credentials.
 * - Session credentials from GetSessionToken without MFA cannot call IAM; temporary credentials
 *   are refused once expired; a deleted or deactivated access key is refused.
 * - Users, roles and devices are kept per account: a caller acts in the account of its key (moto's
 *   default account for a key the layer has not seen; a role's account for AssumeRole credentials,
 *   as moto maps them), so two accounts' same-named users and roles stay apart.
 * - moto hands every GetSessionToken caller the same example key; the layer gives each session its
 *   own ASIA key id and token, as AWS does, so sessions can be told apart, and answers
 *   GetCallerIdentity for such a session with the IAM user, as AWS does.
 *
 * - CreateLoginProfile's PasswordResetRequired is kept (moto drops it) and answered by
 *   GetLoginProfile, as AWS does.
 * - Console sign-in credentials (POST /_harness/console-session, for the sign-in service stand-in):
 *   a session of an IAM user that has no access key, which may call IAM and carries no MFA context
 *   (backed by a key of the user made at moto directly and left out of ListAccessKeys).
 *
 * - DeleteUser is refused with DeleteConflict while the user still has a login profile, access keys,
 *   MFA devices, signing certificates, SSH public keys, service-specific credentials or group
 *   memberships (strictUserDeletion.ts; moto deletes such a user); service-specific credentials,
 *   which moto lacks, are served by the layer.
 * - Partitions: the ARNs the layer writes (a session's GetCallerIdentity, AccessDenied messages)
 *   are in the partition of the request's signing region, as moto's own (aws-us-gov for
 *   us-gov-west-1, aws-cn for cn-north-1); a session's user ARN is the one CreateUser returned (with
 *   its path).
 * - IAM's eventual consistency, when a test turns it on (`setConsistency`; strictConsistency.ts): a
 *   new access key is refused for a while, a new role or user policy denies AssumeRole for a while,
 *   and ListAccessKeys lags a create.
 *
 * Not evaluated: trust policy principals (moto matches them under its access control), condition
 * keys other than the two MFA keys and sts:ExternalId (treated as met), NotAction/NotPrincipal, policy variables,
 * identity policies, session policies, ResyncMFADevice, hardware and FIDO devices.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stepOfCode } from './totp.js';
import { createPropagation, type ConsistencyLag } from './strictConsistency.js';
import { recordSecret, recordSecretsIn } from './secretRegistry.js';
import { UserDeletionRules } from './strictUserDeletion.js';
import { partitionOfRegion } from '../../src/aws/partition.js';
import { signedHeaders } from '../../src/aws/signatureV4.js';

export const ACCOUNT = '123456789012';
/** Role chaining, a GetSessionToken session included, caps AssumeRole at one hour. */
export const CHAINED_ROLE_MAX_SECONDS = 3600;

export const MESSAGES = {
  invalidCode: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
  unknownDevice: 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
  invalidEnableCode: 'Authentication code for device is not valid.',
  chained: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
  maxSession: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  sessionCredentials: 'Cannot call GetSessionToken with session credentials',
  invalidToken: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
} as const;

export interface LoggedRequest {
  service: string | null;
  action: string | null;
  access_key: string | null;
  path: string;
  /** The error code the layer refused the request with (a reused MFA code: AccessDenied), if it did. */
  refused?: string;
}

export interface StrictAws {
  endpoint: string;
  port: number;
  /** Forgets every device, key, role and used code (call with moto's reset). Clears the log. */
  reset(): void;
  /** Every AWS request that reached the layer, refused or not, in arrival order. */
  requests(): LoggedRequest[];
  clearRequests(): void;
  /** IAM's eventual consistency (strictConsistency.ts): off until set; reset() turns it off. */
  setConsistency(lag: Partial<ConsistencyLag>): void;
  close(): Promise<void>;
}

interface Device {
  seed: string;
  /** The user the device is enabled for (EnableMFADevice), as `account:name`, if any. */
  user?: string;
  used: Set<number>;
}

/**
 * What an access key is, as far as the layer has seen it pass. Users are named with their account
 * (moto keeps one backend per account: credentials from AssumeRole into another account's role
 * act in that account), so two accounts' same-named users, roles and devices stay apart.
 */
type KeyInfo =
  | { kind: 'user'; account: string; user: string; active: boolean }
  | { kind: 'session'; account: string; user?: string; mfaAt?: number; expiresAt: number; console?: boolean }
  | { kind: 'role'; arn: string; mfaAt?: number; expiresAt: number };

interface Role {
  trust: PolicyDocument;
  maxSessionDuration: number;
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  Statement?: Statement | Statement[];
}

/** The facts about a request that the MFA condition keys read; undefined = the key is absent. */
export interface MfaContext {
  present?: boolean;
  ageSeconds?: number;
  /** AssumeRole's ExternalId, for the trust policy's sts:ExternalId condition. */
  externalId?: string;
}

class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

const accessDenied = (message: string) => new Refusal(403, 'AccessDenied', message);
const validationError = (message: string) => new Refusal(400, 'ValidationError', message);
const rangeError = (field: string, value: number, min: number, max: number) =>
  validationError(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
  );

const NAMESPACES: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The query-protocol error document IAM and STS answer with (what botocore and the SDK parse). */
function errorBody(service: string, refusal: Refusal, requestId: string): string {
  const ns = NAMESPACES[service] ?? NAMESPACES.sts;
  return (
    `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${refusal.code}</Code>` +
    `<Message>${xmlEscape(refusal.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : xmlUnescape(match[1]);
}

function xmlUnescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp('^' + pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
  return regex.test(action);
}

/** One condition operator on one MFA key; undefined when the layer does not evaluate it. */
function conditionHolds(operator: string, key: string, values: unknown, context: MfaContext): boolean | undefined {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const wanted = asList(values as string | string[]).map(String);
  const lowerKey = key.toLowerCase();
  if (lowerKey === 'aws:multifactorauthpresent') {
    if (base !== 'Bool') return undefined;
    if (context.present === undefined) return ifExists;
    return wanted.some((v) => v.toLowerCase() === String(context.present));
  }
  if (lowerKey === 'aws:multifactorauthage') {
    const compare: Record<string, (a: number, b: number) => boolean> = {
      NumericLessThan: (a, b) => a < b,
      NumericLessThanEquals: (a, b) => a <= b,
      NumericGreaterThan: (a, b) => a > b,
      NumericGreaterThanEquals: (a, b) => a >= b,
      NumericEquals: (a, b) => a === b,
      NumericNotEquals: (a, b) => a !== b,
    };
    const op = compare[base];
    if (!op) return undefined;
    if (context.ageSeconds === undefined) return ifExists;
    return wanted.some((v) => op(context.ageSeconds!, Number(v)));
  }
  if (lowerKey === 'sts:externalid') {
    // AWS: a role whose trust policy names an external id is assumed only with that ExternalId
    if (base !== 'StringEquals') return undefined;
    if (context.externalId === undefined) return ifExists;
    return wanted.includes(context.externalId);
  }
  return undefined;
}

function statementApplies(statement: Statement, context: MfaContext): boolean {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys ?? {})) {
      // A condition the layer does not evaluate is taken as met: moto (or nothing) judges it.
      if (conditionHolds(operator, key, values, context) === false) return false;
    }
  }
  return true;
}

/** Whether a trust policy lets a caller with this MFA context call sts:AssumeRole: an explicit Deny wins, then an Allow is needed. */
export function trustAllows(trust: PolicyDocument, context: MfaContext): boolean {
  const statements = asList(trust.Statement).filter((s) => asList(s.Action).some((a) => actionMatches(a, 'sts:AssumeRole')));
  const applying = statements.filter((s) => statementApplies(s, context));
  if (applying.some((s) => s.Effect === 'Deny')) return false;
  return applying.some((s) => s.Effect === 'Allow');
}

function newSessionKeyId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return 'ASIA' + Array.from(randomBytes(16), (b) => alphabet[b % 32]).join('');
}

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Sends a request on to moto byte for byte (headers, Host included) and reads the whole answer. */
function relay(upstream: URL, request: IncomingMessage, path: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const outgoing = httpRequest({ host: upstream.hostname, port: upstream.port, method: request.method, path, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', reject);
      answer.on('end', () => {
        const kept: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) kept[name] = value;
        }
        resolve({ status: answer.statusCode ?? 502, headers: kept, body: Buffer.concat(chunks) });
      });
    });
    outgoing.setTimeout(60_000, () => outgoing.destroy(new Error('moto did not answer in 60 s')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** `now`: the layer's clock; `totpNow`: the clock MFA codes are checked against (default `now`; the tests' TOTP clock, totpClock.ts). */
export async function startStrictAws(options: { upstream: string; now?: () => number; totpNow?: () => number }): Promise<StrictAws> {
  const now = options.now ?? Date.now;
  const totpNow = options.totpNow ?? now;
  const upstream = new URL(options.upstream);
  const devices = new Map<string, Device>();
  const keys = new Map<string, KeyInfo>();
  /** `account:role name` → what AssumeRole checks. */
  const roles = new Map<string, Role>();
  /** `account:user name` → UserId (AIDA...), from CreateUser answers. */
  const userIds = new Map<string, string>();
  /** `account:user name` → the user's ARN (partition and path as IAM made it), from CreateUser answers. */
  const userArns = new Map<string, string>();
  const deletion = new UserDeletionRules();
  /** Console sign-ins (POST /_harness/console-session): `account:user` → the hidden moto key behind them. */
  const consoleKeys = new Map<string, { id: string; secret: string }>();
  const hiddenKeys = new Set<string>();
  /** `account:user` → CreateLoginProfile's PasswordResetRequired, which moto drops (it answers false). */
  const passwordReset = new Map<string, boolean>();
  const log: LoggedRequest[] = [];
  const propagation = createPropagation(now);

  /** The account a caller acts in: a key the layer has not seen is moto's default account's. */
  const accountOf = (keyId: string | null): string => {
    const info = keyId ? keys.get(keyId) : undefined;
    if (!info) return ACCOUNT;
    if (info.kind === 'role') return /^arn:[^:]+:sts::(\d+):/.exec(info.arn)?.[1] ?? ACCOUNT;
    return info.account;
  };
  const roleKey = (account: string, name: string) => `${account}:${name}`;
  /** The role an ARN names (any path), as roleKey. */
  const roleKeyOfArn = (arn: string) => {
    const match = /^arn:[^:]+:iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(arn);
    return match ? roleKey(match[1]!, match[2]!) : '';
  };

  const callerArn = (keyId: string | null, partition: string): string => {
    const info = keyId ? keys.get(keyId) : undefined;
    if (!info) return `arn:${partition}:iam::${ACCOUNT}:root`;
    if (info.kind === 'role') return info.arn;
    if (!info.user) return `arn:${partition}:iam::${info.account}:root`;
    return userArns.get(`${info.account}:${info.user}`) ?? `arn:${partition}:iam::${info.account}:user/${info.user}`;
  };

  /** Checks an MFA code for a call by `keyId`; marks its step used. Returns the refusal, if any. */
  const checkMfaCode = (keyId: string | null, serial: string, code: string): Refusal | undefined => {
    const device = devices.get(serial);
    const info = keyId ? keys.get(keyId) : undefined;
    const user = info && info.kind !== 'role' && info.user !== undefined ? `${info.account}:${info.user}` : undefined;
    if (!device || !device.user || (user !== undefined && device.user !== user)) return accessDenied(MESSAGES.unknownDevice);
    const step = stepOfCode(device.seed, code, totpNow());
    if (step === undefined || device.used.has(step)) return accessDenied(MESSAGES.invalidCode);
    device.used.add(step);
    return undefined;
  };

  const mfaContextOf = (info: KeyInfo | undefined, mfaAt: number | undefined): MfaContext => {
    if (mfaAt !== undefined) return { present: true, ageSeconds: Math.floor((now() - mfaAt) / 1000) };
    // Long-term keys carry no MFA context at all; temporary credentials without MFA say false.
    if (!info || info.kind === 'user') return {};
    return { present: false };
  };

  /**
   * GetCallerIdentity with GetSessionToken credentials names the IAM user, as AWS does (moto, which
   * hands every session one example key, names a user "moto"). Undefined: moto answers.
   */
  const sessionIdentity = (keyId: string | null, partition: string): string | undefined => {
    const info = keyId ? keys.get(keyId) : undefined;
    if (info?.kind !== 'session' || !info.user || !userIds.has(`${info.account}:${info.user}`)) return undefined;
    return (
      `<GetCallerIdentityResponse xmlns="${NAMESPACES.sts}"><GetCallerIdentityResult>` +
      `<Arn>${xmlEscape(callerArn(keyId, partition))}</Arn><UserId>${userIds.get(`${info.account}:${info.user}`)}</UserId><Account>${info.account}</Account>` +
      `</GetCallerIdentityResult><ResponseMetadata><RequestId>REQUEST_ID</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
    );
  };

  /** The rules applied before a request goes on to moto; a Refusal ends it there. */
  const before = (service: string, action: string, params: URLSearchParams, keyId: string | null, partition: string): Refusal | { mfaAt?: number } | undefined => {
    const info = keyId ? keys.get(keyId) : undefined;
    if (info?.kind === 'user' && !info.active) return new Refusal(403, 'InvalidClientTokenId', MESSAGES.invalidToken);
    if (info?.kind === 'user' && propagation.keyNotYetValid(keyId)) return new Refusal(403, 'InvalidClientTokenId', MESSAGES.invalidToken);
    if (info && info.kind !== 'user' && now() >= info.expiresAt) return new Refusal(403, 'ExpiredToken', MESSAGES.expiredToken);
    if (service === 'iam' && info?.kind === 'session' && info.mfaAt === undefined && !info.console) return new Refusal(403, 'InvalidClientTokenId', MESSAGES.invalidToken);
    if (service === 'sts' && action === 'GetSessionToken') {
      if (info && info.kind !== 'user') return accessDenied(MESSAGES.sessionCredentials);
      const duration = params.get('DurationSeconds');
      if (duration !== null && (Number(duration) < 900 || Number(duration) > 129600)) return rangeError('durationSeconds', Number(duration), 900, 129600);
      const serial = params.get('SerialNumber');
      const code = params.get('TokenCode');
      if (serial && code) return checkMfaCode(keyId, serial, code) ?? { mfaAt: now() };
      return {};
    }
    if (service === 'sts' && action === 'AssumeRole') {
      const duration = Number(params.get('DurationSeconds') ?? 3600);
      if (duration < 900 || duration > 43200) return rangeError('durationSeconds', duration, 900, 43200);
      const roleArn = params.get('RoleArn') ?? '';
      const role = roles.get(roleKeyOfArn(roleArn));
      const serial = params.get('SerialNumber');
      const code = params.get('TokenCode');
      let mfaAt = info && info.kind !== 'user' ? info.mfaAt : undefined;
      if (serial && code) {
        const refused = checkMfaCode(keyId, serial, code);
        if (refused) return refused;
        mfaAt = now();
      }
      if (!role) return { mfaAt }; // a role the layer has not seen created: moto answers
      const caller = info && info.kind !== 'role' && info.user !== undefined ? `${info.account}:${info.user}` : undefined;
      if (propagation.assumeNotYetAllowed(roleKeyOfArn(roleArn), caller)) {
        return accessDenied(`User: ${callerArn(keyId, partition)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      if (!trustAllows(role.trust, { ...mfaContextOf(info, mfaAt), ...(params.get('ExternalId') !== null ? { externalId: params.get('ExternalId')! } : {}) })) {
        return accessDenied(`User: ${callerArn(keyId, partition)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      if (info && info.kind !== 'user' && duration > CHAINED_ROLE_MAX_SECONDS) return validationError(MESSAGES.chained);
      if (duration > role.maxSessionDuration) return validationError(MESSAGES.maxSession);
      return { mfaAt };
    }
    if (service === 'iam') {
      const conflict = deletion.refuse(action, params, accountOf(keyId));
      if (conflict) return new Refusal(conflict.status, conflict.code, conflict.message);
    }
    if (service === 'iam' && action === 'EnableMFADevice') {
      const device = devices.get(params.get('SerialNumber') ?? '');
      if (!device) return undefined; // moto answers NoSuchEntity
      const t = totpNow();
      const first = stepOfCode(device.seed, params.get('AuthenticationCode1') ?? '', t);
      const second = stepOfCode(device.seed, params.get('AuthenticationCode2') ?? '', t);
      if (first === undefined || second !== first + 1 || device.used.has(first) || device.used.has(second)) {
        return new Refusal(403, 'InvalidAuthenticationCode', MESSAGES.invalidEnableCode);
      }
      return undefined;
    }
    return undefined;
  };

  /** What the layer learns from a successful answer; returns the answer to send (possibly rewritten). */
  const after = (service: string, action: string, params: URLSearchParams, keyId: string | null, body: string, mfaAt: number | undefined): string => {
    recordSecretsIn(body); // every secret AWS hands out, for the run's leak scan (secretRegistry.ts)
    const info = keyId ? keys.get(keyId) : undefined;
    if (service === 'iam') {
      deletion.learn(action, params, accountOf(keyId), body);
      switch (action) {
        case 'CreateVirtualMFADevice': {
          const serial = xmlField(body, 'SerialNumber');
          const seed64 = xmlField(body, 'Base32StringSeed');
          if (serial && seed64) devices.set(serial, { seed: Buffer.from(seed64, 'base64').toString('utf8'), used: new Set() });
          if (seed64) recordSecret('MFA seed', Buffer.from(seed64, 'base64').toString('utf8'));
          break;
        }
        case 'EnableMFADevice': {
          const device = devices.get(params.get('SerialNumber') ?? '');
          if (device) {
            const name = params.get('UserName');
            device.user = name ? `${accountOf(keyId)}:${name}` : undefined;
            const t = totpNow();
            for (const name of ['AuthenticationCode1', 'AuthenticationCode2']) {
              const step = stepOfCode(device.seed, params.get(name) ?? '', t);
              if (step !== undefined) device.used.add(step);
            }
          }
          break;
        }
        case 'DeactivateMFADevice': {
          const device = devices.get(params.get('SerialNumber') ?? '');
          if (device) device.user = undefined;
          break;
        }
        case 'DeleteVirtualMFADevice':
          devices.delete(params.get('SerialNumber') ?? '');
          break;
        case 'CreateUser': {
          const name = xmlField(body, 'UserName');
          const id = xmlField(body, 'UserId');
          if (name && id) userIds.set(`${accountOf(keyId)}:${name}`, id);
          const arn = xmlField(body, 'Arn');
          if (name && arn) userArns.set(`${accountOf(keyId)}:${name}`, arn);
          break;
        }
        case 'CreateAccessKey': {
          const id = xmlField(body, 'AccessKeyId');
          const user = xmlField(body, 'UserName');
          if (id && user) keys.set(id, { kind: 'user', account: accountOf(keyId), user, active: true });
          if (id) propagation.noteKey(id);
          break;
        }
        case 'PutUserPolicy':
        case 'AttachUserPolicy':
          propagation.notePolicy(`${accountOf(keyId)}:${params.get('UserName') ?? ''}`);
          break;
        case 'ListAccessKeys':
          return propagation.lagListing(hiddenKeys.size ? body.replace(/<member>(?:(?!<\/member>)[\s\S])*?<AccessKeyId>([^<]+)<\/AccessKeyId>[\s\S]*?<\/member>/g, (member, id: string) => (hiddenKeys.has(id) ? '' : member)) : body);
        case 'CreateLoginProfile':
        case 'UpdateLoginProfile':
        case 'GetLoginProfile': {
          const user = `${accountOf(keyId)}:${params.get('UserName') ?? ''}`;
          const asked = params.get('PasswordResetRequired');
          if (action !== 'GetLoginProfile' && asked !== null) passwordReset.set(user, asked === 'true');
          if (action === 'CreateLoginProfile' && asked === null) passwordReset.set(user, false);
          const reset = passwordReset.get(user);
          return reset === undefined ? body : body.replace(/<PasswordResetRequired>[^<]*<\/PasswordResetRequired>/, `<PasswordResetRequired>${reset}</PasswordResetRequired>`);
        }
        case 'DeleteLoginProfile':
          passwordReset.delete(`${accountOf(keyId)}:${params.get('UserName') ?? ''}`);
          break;
        case 'UpdateAccessKey': {
          const key = keys.get(params.get('AccessKeyId') ?? '');
          if (key?.kind === 'user') key.active = params.get('Status') === 'Active';
          break;
        }
        case 'DeleteAccessKey': {
          const key = keys.get(params.get('AccessKeyId') ?? '');
          if (key?.kind === 'user') key.active = false; // a deleted key is refused like an inactive one
          break;
        }
        case 'CreateRole':
        case 'UpdateAssumeRolePolicy':
        case 'UpdateRole': {
          const name = roleKey(accountOf(keyId), params.get('RoleName') ?? '');
          const document = params.get(action === 'UpdateAssumeRolePolicy' ? 'PolicyDocument' : 'AssumeRolePolicyDocument');
          const previous = roles.get(name);
          const maxText = params.get('MaxSessionDuration');
          try {
            const trust = document ? (JSON.parse(document) as PolicyDocument) : previous?.trust;
            if (trust) roles.set(name, { trust, maxSessionDuration: maxText ? Number(maxText) : (previous?.maxSessionDuration ?? 3600) });
            if (action !== 'UpdateRole') propagation.noteRole(name);
          } catch {
            // moto accepted a document the layer cannot read: leave the role to moto
          }
          break;
        }
        case 'DeleteRole':
          roles.delete(roleKey(accountOf(keyId), params.get('RoleName') ?? ''));
          break;
      }
      return body;
    }
    if (service === 'sts' && action === 'GetSessionToken') {
      const expiration = Date.parse(xmlField(body, 'Expiration') ?? '');
      const id = newSessionKeyId();
      const token = randomBytes(96).toString('base64');
      keys.set(id, { kind: 'session', account: accountOf(keyId), user: info?.kind === 'user' ? info.user : undefined, mfaAt, expiresAt: expiration });
      return body.replace(/<AccessKeyId>[^<]*<\/AccessKeyId>/, `<AccessKeyId>${id}</AccessKeyId>`).replace(/<SessionToken>[^<]*<\/SessionToken>/, `<SessionToken>${token}</SessionToken>`);
    }
    if (service === 'sts' && action === 'AssumeRole') {
      const id = xmlField(body, 'AccessKeyId');
      const arn = xmlField(body, 'Arn');
      const expiration = Date.parse(xmlField(body, 'Expiration') ?? '');
      if (id && arn) keys.set(id, { kind: 'role', arn, mfaAt, expiresAt: expiration });
    }
    return body;
  };

  /**
   * A console sign-in's request goes to moto as the user's hidden key alone: moto refuses a user's
   * key with a session token, so the token is dropped and the form POST signed again with the key.
   */
  const forwardAsUser = (request: IncomingMessage, path: string, body: Buffer, keyId: string, region: string, service: string) => {
    const key = [...consoleKeys.values()].find((k) => k.id === keyId)!;
    if (path !== '/' || !String(request.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) return relay(upstream, request, path, body);
    const signed = signedHeaders({
      url: new URL(`http://${request.headers.host}/`),
      region,
      service,
      credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
      contentType: String(request.headers['content-type']),
      body: body.toString('utf8'),
    });
    const headers: Record<string, string | string[] | undefined> = { ...request.headers };
    for (const name of ['authorization', 'x-amz-date', 'x-amz-security-token', 'content-type', 'x-amz-content-sha256']) delete headers[name];
    return relay(upstream, { method: request.method, headers: { ...headers, ...signed } } as unknown as IncomingMessage, path, body);
  };

  const handle = async (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const path = request.url ?? '/';
    // Headers go on as they came, Host included: SigV4 signs it, and moto checks signatures when
    // its access control is on.
    const forward = () => relay(upstream, request, path, body);
    const bare = path.split('?')[0] ?? '/';
    if (bare === '/_harness/console-session' && request.method === 'POST') {
      // the sign-in service stand-in's credentials for an IAM user without an access key (a console
      // sign-in). moto knows no such credentials, so they are a key of the user made at moto
      // directly and hidden from every listing (ListAccessKeys), with a session token: moto, also
      // under its access control, then acts as the user (its policies decide), and the layer treats
      // the key as a session of the user that may call IAM and carries no MFA context (AssumeRole
      // takes a code of its own, and is capped at 1 h: role chaining).
      const asked = JSON.parse(body.toString('utf8')) as { account?: string; user: string; seconds?: number };
      const account = asked.account ?? ACCOUNT;
      const who = `${account}:${asked.user}`;
      let key = consoleKeys.get(who);
      if (!key) {
        const made = await relay(
          upstream,
          { method: 'POST', headers: { host: upstream.host, 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0` } } as unknown as IncomingMessage,
          '/',
          Buffer.from(`Action=CreateAccessKey&Version=2010-05-08&UserName=${encodeURIComponent(asked.user)}`),
        );
        const text = made.body.toString('utf8');
        const id = xmlField(text, 'AccessKeyId');
        const secret = xmlField(text, 'SecretAccessKey');
        if (made.status !== 200 || !id || !secret) throw new Error(`console session for ${asked.user}: moto answered ${made.status}`);
        key = { id, secret };
        consoleKeys.set(who, key);
        hiddenKeys.add(id);
        recordSecret('secret access key', secret);
      }
      const token = randomBytes(96).toString('base64');
      keys.set(key.id, { kind: 'session', account, user: asked.user, expiresAt: now() + (asked.seconds ?? 900) * 1000, console: true });
      recordSecret('session token', token);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accessKeyId: key.id, secretAccessKey: key.secret, sessionToken: token }));
      return;
    }
    if (bare.startsWith('/moto-api') || bare.startsWith('/_harness')) {
      const answer = await forward();
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
      return;
    }
    const credential = /Credential=([^/,\s]+)\/[^/]+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? '');
    const keyId = credential?.[1] ?? null;
    const service = credential?.[3] ?? null;
    // moto serves the partition of the signing region (aws-us-gov for us-gov-west-1): so does the layer
    const partition = partitionOfRegion(credential?.[2] ?? 'us-east-1');
    const contentType = request.headers['content-type'] ?? '';
    const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
    const params = contentType.includes('x-www-form-urlencoded') ? new URLSearchParams(body.toString('utf8')) : query;
    const target = request.headers['x-amz-target'];
    const action = typeof target === 'string' ? (target.split('.').pop() ?? null) : (params.get('Action') ?? query.get('Action'));
    const entry: LoggedRequest = { service, action, access_key: keyId, path: bare };
    log.push(entry);

    const requestId = randomUUID();
    const verdict = service && action ? before(service, action, params, keyId, partition) : undefined;
    if (verdict instanceof Refusal) {
      entry.refused = verdict.code;
      response.writeHead(verdict.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end(errorBody(service ?? 'sts', verdict, requestId));
      return;
    }
    const served = service === 'iam' && action ? deletion.serve(action, params, accountOf(keyId), (name) => userIds.has(`${accountOf(keyId)}:${name}`)) : undefined;
    if (served) {
      if (served.status !== 200) entry.refused = /<Code>([^<]+)<\/Code>/.exec(served.body)?.[1];
      response.writeHead(served.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end(served.body);
      return;
    }
    const identity = service === 'sts' && action === 'GetCallerIdentity' ? sessionIdentity(keyId, partition) : undefined;
    if (identity) {
      response.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end(identity.replace('REQUEST_ID', requestId));
      return;
    }
    const answer = await (keyId && hiddenKeys.has(keyId) ? forwardAsUser(request, path, body, keyId, credential?.[2] ?? 'us-east-1', service ?? 'sts') : forward());
    let out = answer.body;
    if (answer.status === 200 && service && action && (service === 'iam' || service === 'sts')) {
      out = Buffer.from(after(service, action, params, keyId, out.toString('utf8'), verdict?.mfaAt), 'utf8');
    }
    response.writeHead(answer.status, answer.headers);
    response.end(out);
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request, Buffer.concat(chunks), response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`strict AWS layer: ${String(error)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    reset() {
      devices.clear();
      keys.clear();
      roles.clear();
      userIds.clear();
      propagation.reset();
      userArns.clear();
      passwordReset.clear();
      consoleKeys.clear();
      hiddenKeys.clear();
      deletion.reset();
      log.length = 0;
    },
    setConsistency: (lag) => propagation.set(lag),
    requests: () => log.map((entry) => ({ ...entry })),
    clearRequests() {
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
