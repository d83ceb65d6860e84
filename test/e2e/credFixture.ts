/**
 * Shared set-up for the credentials end-to-end tests: an IAM user with a virtual MFA device and an
 * admin role in moto (made with boto3, not with `rolegate setup`), and the profile layouts setup
 * writes (store layout with credential_process, or the guide's layout with a plaintext key).
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, after } from 'node:test';
import { ACCOUNT_ID, type SharedMotoServer } from '../harness/moto.js';
import { PYTHON_MFA_HELPERS, nextMfaCode } from '../harness/mfaCodes.js';
import { makeSandbox } from '../harness/sandbox.js';
import { currentStep, totpCode } from '../harness/totp.js';
import { totpNow } from '../harness/totpClock.js';
import { runBoto3 } from '../harness/run.js';
import { rolegateBin } from '../harness/paths.js';
import { credentialProcessCommand } from '../../src/credentials/credentialProcessCommand.js';
import { openKeyStore, type LongTermKey, type StoreKind } from '../../src/keys/keyStore.js';
import type { Sandbox } from '../harness/sandbox.js';

export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/admin`;
export const MFA_SERIAL = `arn:aws:iam::${ACCOUNT_ID}:mfa/admin`;
export const PASSPHRASE = 'test passphrase for the encrypted key file';

export interface Account {
  key: LongTermKey;
  seedFile: string;
  counterFile: string;
  mfaProcess: string;
}

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:user/admin` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
});

/** Creates user `admin` with a key and an MFA device, and role `admin`, in moto (access control off). */
export async function createAccount(box: Sandbox): Promise<Account> {
  const bootstrapEnv = { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bootstrap' };
  const created = await runBoto3<{ key: LongTermKey; seed: string }>(
    `
import boto3, json
${PYTHON_MFA_HELPERS}
iam = boto3.client("iam")
iam.create_user(UserName="admin")
k = iam.create_access_key(UserName="admin")["AccessKey"]
d = iam.create_virtual_mfa_device(VirtualMFADeviceName="admin")["VirtualMFADevice"]
enable_mfa(iam, "admin", d["SerialNumber"], d["Base32StringSeed"])
iam.create_role(RoleName="admin", AssumeRolePolicyDocument=${JSON.stringify(TRUST)})
seed = d["Base32StringSeed"]
seed = seed.decode() if isinstance(seed, bytes) else seed
print(json.dumps({"key": {"accessKeyId": k["AccessKeyId"], "secretAccessKey": k["SecretAccessKey"]}, "seed": seed}))
`,
    { env: bootstrapEnv },
  );
  const seedFile = join(box.home, 'mfa-seed.txt');
  writeFileSync(seedFile, created.seed, { mode: 0o600 });
  const counterFile = join(box.home, 'mfa-calls.txt');
  const script = fileURLToPath(new URL('./credMfaCode.js', import.meta.url));
  return { key: created.key, seedFile, counterFile, mfaProcess: `'${process.execPath}' '${script}' '${seedFile}' '${counterFile}'` };
}

/** The device's next unused code (for a code typed at a prompt; mfa_process gets its own the same way). */
export function nextCode(account: Account): Promise<string> {
  return nextMfaCode(readFileSync(account.seedFile, 'utf8'), dirname(account.seedFile));
}

/** A code the device would not show now, nor one step either side: AWS refuses it. */
export async function wrongCode(account: Account): Promise<string> {
  const seed = readFileSync(account.seedFile, 'utf8').trim();
  const n = currentStep(totpNow());
  const near = new Set([-2, -1, 0, 1, 2].map((offset) => totpCode(seed, n + offset)));
  let code = 0;
  while (near.has(String(code).padStart(6, '0'))) code++;
  return String(code).padStart(6, '0');
}

export function mfaProcessRuns(account: Account): number {
  return existsSync(account.counterFile) ? readFileSync(account.counterFile, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** The store layout setup writes for `--store keychain|file` (see /tmp/rolegate-helpers.md). */
export function writeStoreLayout(box: Sandbox, account: Account, options: { mfaProcess?: boolean; durationSeconds?: number } = {}): void {
  const mfa = options.mfaProcess === false ? '' : `mfa_process = ${account.mfaProcess}\n`;
  writeFileSync(
    box.configFile,
    `[default]\nregion = us-east-1\ncredential_process = ${credentialProcessCommand('default', { env: box.env })}\nmfa_serial = ${MFA_SERIAL}\n${mfa}` +
      `\n[profile admin]\nregion = us-east-1\ncredential_process = ${credentialProcessCommand('admin', { env: box.env })}\n` +
      `rolegate_role_arn = ${ROLE_ARN}\nrolegate_source_profile = default\nmfa_serial = ${MFA_SERIAL}\n${mfa}` +
      (options.durationSeconds ? `duration_seconds = ${options.durationSeconds}\n` : ''),
  );
}

/** The guide's layout (`--store plain`): what the AWS CLI understands natively. */
export function writeGuideLayout(box: Sandbox, account: Account, options: { mfaProcess?: boolean } = {}): void {
  const mfa = options.mfaProcess === false ? '' : `mfa_process = ${account.mfaProcess}\n`;
  writeFileSync(
    box.configFile,
    `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\nmfa_serial = ${MFA_SERIAL}\nregion = us-east-1\n${mfa}`,
  );
  writeFileSync(box.credentialsFile, `[default]\naws_access_key_id = ${account.key.accessKeyId}\naws_secret_access_key = ${account.key.secretAccessKey}\n`, { mode: 0o600 });
}

export async function storeKey(box: Sandbox, kind: StoreKind, key: LongTermKey): Promise<void> {
  await (await openKeyStore(kind, { env: box.env })).save('default', key);
}

/** Every file under `dir` whose content includes `needle` (to prove a secret is nowhere there). */
export function filesContaining(dir: string, needle: string): string[] {
  if (!existsSync(dir)) return [];
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    if (info.isDirectory()) hits.push(...filesContaining(path, needle));
    else if (info.isFile() && readFileSync(path).includes(needle)) hits.push(path);
  }
  return hits;
}

export function makeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

export interface CredAccountOptions {
  /** Extra variables for the sandbox (ROLEGATE_FILE_PASSPHRASE is set when the key is stored in the file store). */
  extraEnv?: NodeJS.ProcessEnv;
  /** Where the user's key goes before each test (none: the test stores it). */
  store?: 'file';
  /** Which profiles are written before each test (none: the test writes them). */
  layout?: 'store' | 'guide';
}

/**
 * Before each test of the file: a fresh sandbox and account in moto, optionally with the key
 * stored and a layout written, and an empty request log. `use` receives them (tests keep their
 * own `box` and `account` variables); the last sandbox is removed after the file.
 */
export function useCredAccount(moto: SharedMotoServer, options: CredAccountOptions, use: (made: { box: Sandbox; account: Account }) => void): void {
  let box: Sandbox | undefined;
  beforeEach(async () => {
    box?.cleanup();
    const passphrase = options.store === 'file' ? { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE } : {};
    box = makeSandbox({ endpoint: moto.endpoint, extraEnv: { ...passphrase, ...options.extraEnv } });
    const account = await createAccount(box);
    if (options.store) await storeKey(box, options.store, account.key);
    if (options.layout === 'store') writeStoreLayout(box, account);
    if (options.layout === 'guide') writeGuideLayout(box, account);
    await moto.clearRequests();
    use({ box, account });
  });
  after(() => box?.cleanup());
}

/** Passes a request (its body already read) on to `url` unchanged, and its answer back. */
export function forwardRequest(request: IncomingMessage, body: Buffer, url: string, response: ServerResponse): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && !['host', 'content-length', 'connection', 'proxy-connection'].includes(name)) headers[name] = value;
  }
  fetch(url, { method: request.method, headers, body: new Uint8Array(body) })
    .then(async (upstream) => {
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/xml' });
      response.end(Buffer.from(await upstream.arrayBuffer()));
    })
    .catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
}

const MFA_REFUSAL =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
  '<Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message></Error><RequestId>1</RequestId></ErrorResponse>';

/**
 * A stand-in endpoint that refuses MFA codes. The strict AWS layer now refuses a wrong code for
 * real (see `wrongCode`); this stays for a test that wants a refusal whatever the code. It answers the first
 * `refuseFirst` GetSessionToken calls (all of them by default) the way AWS refuses a wrong or
 * reused code, and passes every other call on to `forwardTo` (moto) unchanged.
 */
export async function mfaRefusingSts(options: { refuseFirst?: number; forwardTo?: string } = {}): Promise<{ server: Server; endpoint: string; calls: string[] }> {
  const calls: string[] = [];
  let refused = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString()).get('Action') ?? '?';
      calls.push(action);
      const refuse = action === 'GetSessionToken' && refused < (options.refuseFirst ?? Infinity);
      if (refuse || !options.forwardTo) {
        refused += 1;
        response.writeHead(403, { 'content-type': 'text/xml' });
        response.end(MFA_REFUSAL);
        return;
      }
      forwardRequest(request, body, `${options.forwardTo}${request.url ?? '/'}`, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, endpoint: `http://127.0.0.1:${address.port}`, calls };
}

/**
 * `credential-process admin` at a pseudo-terminal (`script`), with stdout and stderr captured as
 * under credential_process; `codes` are typed at the MFA prompts in turn. `screen` is what the
 * terminal showed.
 */
export async function credentialProcessAtTerminal(home: string, env: NodeJS.ProcessEnv, codes: string[]) {
  const out = join(home, 'out.json');
  const err = join(home, 'err.txt');
  const inner = `'${process.execPath}' '${rolegateBin}' credential-process admin > '${out}' 2> '${err}'`;
  const child = spawn('script', ['-qefc', inner, '/dev/null'], { env: { ...env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    const prompts = screen.match(/MFA code for [^\r\n]*: /g)?.length ?? 0;
    if (prompts > typed && typed < codes.length) child.stdin.write(`${codes[typed++]}\n`);
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, screen, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
}
