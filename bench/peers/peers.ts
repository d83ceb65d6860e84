/**
 * Each peer with equivalent profiles: the same read-only user key, the same virtual MFA device and
 * the same MFA-gated admin role (made in the peer's own moto, behind the strict layer, which counts
 * every request), and each peer's own way to read, to elevate, to fetch cached credentials and to
 * refresh the role. The AWS CLI calls of the day are the same `aws` (v1, from the bench's venv)
 * for every peer.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMoto } from '../../test/harness/moto.js';
import { startStrictAws } from '../../test/harness/strictAws.js';
import { makeSandbox, type Sandbox } from '../../test/harness/sandbox.js';
import { nextMfaCode } from '../../test/harness/mfaCodes.js';
import { totpNow } from '../../test/harness/totpClock.js';
import { createAccount, mfaProcessRuns, MFA_SERIAL, PASSPHRASE, ROLE_ARN, storeKey, type Account } from '../../test/e2e/credFixture.js';
import { credentialProcessCommand } from '../../src/credentials/credentialProcessCommand.js';
import { rolegateCacheDir, sessionCacheFile } from '../../src/files/rolegatePaths.cjs';
import { roleEntryName } from '../../src/cache/sessionCache.js';
import { shortcutFile } from '../../src/cache/credentialProcessShortcut.cjs';
import { runAnswering, type Ran } from './runAnswering.js';

/** What the npm package ships: the bundle's CommonJS entry. */
export const shippedMain = fileURLToPath(new URL('../../bundle/cli/main.cjs', import.meta.url));

interface Stack {
  endpoint: string;
  stsCalls(): number;
  clear(): void;
  stop(): Promise<void>;
}

async function startStack(): Promise<Stack> {
  const moto = await startMoto();
  // codes checked on the clock the code source moves (totpClock.ts), as in the tests: a source that
  // needs a later window moves it there rather than waiting, so the layer must read that clock
  const layer = await startStrictAws({ upstream: moto.endpoint, totpNow });
  return {
    endpoint: layer.endpoint,
    stsCalls: () => layer.requests().filter((r) => r.service === 'sts').length,
    clear: () => layer.clearRequests(),
    async stop() {
      await layer.close();
      await moto.stop();
    },
  };
}

/** botocore resolving the admin profile with the AWS CLI v1's own role cache, as every `aws` call does inside (v1 has no export-credentials). */
const BOTOCORE_RESOLVE = `
import os, botocore.session
from botocore.credentials import JSONFileCache
s = botocore.session.Session(profile="admin")
s.get_component("credential_provider").get_provider("assume-role").cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
print(s.get_credentials().get_frozen_credentials().access_key[:4])
`;

export interface CallOptions {
  /** The code typed at a prompt (default: the device's next unused code). */
  code?: () => Promise<string>;
}

export abstract class Peer {
  abstract readonly name: string;
  abstract readonly version: string;
  /** The command the cached-fetch column times, as the table names it. */
  abstract readonly cachedFetchLabel: string;
  abstract readonly coldRefreshLabel: string;
  /** Whether the cold refresh asks for a code (no MFA session kept). */
  readonly coldRefreshPrompts: boolean = false;
  readonly prompt?: RegExp;
  stack!: Stack;
  box!: Sandbox;
  account!: Account;
  /** Prompts the peer printed, answered by the bench. */
  prompts = 0;
  /** Whether its commands that may prompt run on a pseudo-terminal (runAnswering's `terminal`). */
  protected readonly onTerminal: boolean = false;

  constructor(protected readonly pythonBin: string) {}

  async start(): Promise<void> {
    this.stack = await startStack();
    this.box = makeSandbox({ endpoint: this.stack.endpoint, extraEnv: this.extraEnv() });
    this.box.env.PATH = `${this.pythonBin}:${this.box.env.PATH}`;
    this.account = await createAccount(this.box);
    await this.writeProfiles();
  }

  protected extraEnv(): NodeJS.ProcessEnv {
    return {};
  }
  protected abstract writeProfiles(): Promise<void>;

  nextCode = (): Promise<string> => nextMfaCode(readFileSync(this.account.seedFile, 'utf8'), this.box.home);

  run(file: string, args: string[], options: CallOptions & { env?: NodeJS.ProcessEnv; terminal?: boolean } = {}): Promise<Ran> {
    const env = { ...this.box.env, ...options.env };
    return runAnswering(file, args, { env, prompt: this.prompt, code: options.code ?? this.nextCode, terminal: options.terminal ?? this.onTerminal }).then((ran) => {
      this.prompts += ran.prompts;
      return ran;
    });
  }

  aws(args: string[], options: CallOptions & { env?: NodeJS.ProcessEnv; terminal?: boolean } = {}): Promise<Ran> {
    return this.run(join(this.pythonBin, 'aws'), args, options);
  }

  /** Every MFA code the peer asked for. */
  mfaPrompts(): number {
    return this.prompts;
  }
  resetCounts(): void {
    this.prompts = 0;
    this.stack.clear();
  }

  /** What a person does on opening a terminal before the first call (aws-mfa: run it). */
  async openTerminal(): Promise<Ran | undefined> {
    return undefined;
  }
  read(): Promise<Ran> {
    return this.aws(['s3api', 'list-buckets']);
  }
  elevated(options: CallOptions = {}): Promise<Ran> {
    return this.aws(['--profile', 'admin', 'iam', 'list-roles', '--max-items', '1'], options);
  }
  abstract cachedFetch(): Promise<Ran>;
  abstract coldRefresh(options: CallOptions): Promise<Ran>;
  /** Forget the role credentials, keep the MFA session where the peer keeps one. */
  abstract clearRole(): void;
  /** Forget everything cached: the start of a day. */
  abstract clearAll(): void;
  /** Before 20 cold calls at once: what the peer needs a person to run first. */
  async prepareBurst(): Promise<Ran | undefined> {
    return undefined;
  }

  protected botocoreResolve(options: CallOptions = {}): Promise<Ran> {
    return this.run(join(this.pythonBin, 'python'), ['-c', BOTOCORE_RESOLVE], options);
  }
  protected clearAwsCliCache(): void {
    rmSync(join(this.box.home, '.aws', 'cli', 'cache'), { recursive: true, force: true });
  }
  async stop(): Promise<void> {
    await this.stack.stop();
    this.box.cleanup();
  }
}

/** rolegate as setup leaves it (store layout, key in the encrypted file), codes from mfa_process. */
export class Rolegate extends Peer {
  readonly name = 'rolegate';
  readonly version = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')).version as string;
  readonly cachedFetchLabel = '`rolegate credential-process admin`';
  readonly coldRefreshLabel = 'the same, role credentials gone, MFA session kept: AssumeRole, no code';
  protected override extraEnv() {
    return { ROLEGATE_FILE_PASSPHRASE: PASSPHRASE };
  }
  protected async writeProfiles() {
    await storeKey(this.box, 'file', this.account.key);
    const command = (profile: string) => credentialProcessCommand(profile, { env: this.box.env, scriptPath: shippedMain });
    const mfa = `mfa_serial = ${MFA_SERIAL}\nmfa_process = ${this.account.mfaProcess}\n`;
    writeFileSync(
      this.box.configFile,
      `[default]\nregion = us-east-1\ncredential_process = ${command('default')}\n${mfa}` +
        `\n[profile admin]\nregion = us-east-1\ncredential_process = ${command('admin')}\nrolegate_role_arn = ${ROLE_ARN}\nrolegate_source_profile = default\n${mfa}`,
    );
  }
  override mfaPrompts() {
    return this.prompts + mfaProcessRuns(this.account);
  }
  override resetCounts() {
    super.resetCounts();
    rmSync(this.account.counterFile, { force: true });
  }
  cachedFetch() {
    return this.run(process.execPath, [shippedMain, 'credential-process', 'admin']);
  }
  coldRefresh() {
    return this.cachedFetch();
  }
  clearRole() {
    rmSync(sessionCacheFile(roleEntryName('admin'), this.box.env), { force: true });
    rmSync(shortcutFile('admin', this.box.env), { force: true });
  }
  clearAll() {
    rmSync(rolegateCacheDir(this.box.env), { recursive: true, force: true });
  }
}

/** The AWS CLI v1 alone: a plaintext key, and `role_arn` + `mfa_serial` (a code per role session). */
export class AwsCliV1 extends Peer {
  readonly name = 'AWS CLI v1 (`role_arn` + `mfa_serial`)';
  readonly version = '1.46.3';
  readonly cachedFetchLabel = 'botocore reading the CLI\'s role cache (v1 has no `export-credentials`)';
  readonly coldRefreshLabel = 'the same, role cache gone: AssumeRole with a code';
  override readonly coldRefreshPrompts = true;
  override readonly prompt = /Enter MFA code for /g;
  protected async writeProfiles() {
    writeFileSync(this.box.configFile, `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\nmfa_serial = ${MFA_SERIAL}\nregion = us-east-1\n`);
    writeFileSync(this.box.credentialsFile, `[default]\naws_access_key_id = ${this.account.key.accessKeyId}\naws_secret_access_key = ${this.account.key.secretAccessKey}\n`, { mode: 0o600 });
  }
  cachedFetch() {
    return this.botocoreResolve();
  }
  coldRefresh(options: CallOptions) {
    return this.botocoreResolve(options);
  }
  clearRole() {
    this.clearAwsCliCache();
  }
  clearAll() {
    this.clearAwsCliCache();
  }
}

/** aws-mfa: GetSessionToken with a code into `[default]`; the CLI assumes the role from that session. */
export class AwsMfa extends Peer {
  readonly name = 'aws-mfa + AWS CLI v1';
  readonly version = '0.0.12';
  readonly cachedFetchLabel = '`aws-mfa` (session still valid)';
  readonly coldRefreshLabel = 'botocore assuming the role from aws-mfa\'s session, no code';
  override readonly prompt = /Enter AWS MFA code for device/g;
  private longTerm = '';
  protected async writeProfiles() {
    writeFileSync(this.box.configFile, `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\nregion = us-east-1\n`);
    this.longTerm = `[default-long-term]\naws_access_key_id = ${this.account.key.accessKeyId}\naws_secret_access_key = ${this.account.key.secretAccessKey}\naws_mfa_device = ${MFA_SERIAL}\n`;
    writeFileSync(this.box.credentialsFile, this.longTerm, { mode: 0o600 });
  }
  private awsMfa(options: CallOptions = {}) {
    return this.run(join(this.pythonBin, 'aws-mfa'), [], options);
  }
  override openTerminal() {
    return this.awsMfa();
  }
  override prepareBurst() {
    return this.awsMfa();
  }
  cachedFetch() {
    return this.awsMfa();
  }
  coldRefresh(options: CallOptions) {
    return this.botocoreResolve(options);
  }
  clearRole() {
    this.clearAwsCliCache();
  }
  clearAll() {
    this.clearAwsCliCache();
    writeFileSync(this.box.credentialsFile, this.longTerm, { mode: 0o600 });
  }
}

/** awsume: `awsume admin` before each elevated command; it keeps the MFA session, not the role. */
export class Awsume extends Peer {
  readonly name = 'awsume';
  readonly version = '4.5.4';
  readonly cachedFetchLabel = '`awsume admin` (MFA session cached; it keeps no role credentials, so AssumeRole each time)';
  readonly coldRefreshLabel = 'the same';
  override readonly prompt = /Enter MFA token: /g;
  protected async writeProfiles() {
    writeFileSync(this.box.configFile, `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\nmfa_serial = ${MFA_SERIAL}\nregion = us-east-1\n`);
    writeFileSync(this.box.credentialsFile, `[default]\naws_access_key_id = ${this.account.key.accessKeyId}\naws_secret_access_key = ${this.account.key.secretAccessKey}\n`, { mode: 0o600 });
  }
  private awsume(options: CallOptions = {}) {
    return this.run(join(this.pythonBin, 'awsumepy'), ['admin'], options);
  }
  override async elevated(options: CallOptions = {}): Promise<Ran> {
    const awsumed = await this.awsume(options);
    // the line awsume's shell wrapper evaluates: Awsume <key id> <secret> <token> <region> ...
    const fields = awsumed.stdout.split('\n').find((line) => line.startsWith('Awsume '))?.split(' ');
    if (!awsumed.ok || !fields) return { ...awsumed, ok: false };
    const env = { AWS_ACCESS_KEY_ID: fields[1], AWS_SECRET_ACCESS_KEY: fields[2], AWS_SESSION_TOKEN: fields[3], AWS_PROFILE: undefined };
    const call = await this.aws(['iam', 'list-roles', '--max-items', '1'], { env });
    return { ...call, ms: awsumed.ms + call.ms, cpuMs: awsumed.cpuMs + call.cpuMs, prompts: awsumed.prompts + call.prompts };
  }
  cachedFetch() {
    return this.awsume();
  }
  coldRefresh(options: CallOptions) {
    return this.awsume(options);
  }
  clearRole() {
    // awsume keeps no role credentials
  }
  clearAll() {
    rmSync(join(this.box.home, '.awsume', 'cache'), { recursive: true, force: true });
  }
}

/**
 * aws-vault (99designs, built from source with its STS endpoint taught AWS_ENDPOINT_URL; see
 * install.ts): the key in its encrypted file backend, codes from `ykman` (a stand-in that prints the
 * device's next code, counted like rolegate's mfa_process), and the AWS CLI reaching it through
 * `credential_process = aws-vault exec --json PROFILE`, as its documentation shows. It keeps the MFA
 * session (GetSessionToken) and the role's credentials in its keyring.
 */
export class AwsVault extends Peer {
  readonly name = 'aws-vault';
  readonly cachedFetchLabel = '`aws-vault exec --json admin` (role credentials in its keyring)';
  readonly coldRefreshLabel = 'the same, its cached role credentials gone, MFA session kept: AssumeRole, no code';
  private vaultConfig = '';

  constructor(
    pythonBin: string,
    private readonly binary: string,
    readonly version: string,
  ) {
    super(pythonBin);
  }
  private keysDir() {
    return join(this.box.home, '.awsvault', 'keys');
  }
  protected override extraEnv() {
    return { AWS_VAULT_BACKEND: 'file', AWS_VAULT_FILE_PASSPHRASE: PASSPHRASE, AWS_VAULT_PROMPT: 'ykman' };
  }
  protected async writeProfiles() {
    this.box.env.AWS_VAULT_FILE_DIR = this.keysDir();
    // the ykman stand-in: prints the device's next code (and counts the run), as mfa_process does for rolegate
    const bin = join(this.box.home, 'bin');
    mkdirSync(bin, { recursive: true });
    // during 20 cold calls at once, every run prints the one code the device shows then, as a person would type it
    const shown = join(this.box.home, 'ykman-code');
    writeFileSync(
      join(bin, 'ykman'),
      `#!/bin/sh\nif [ -f '${shown}' ]; then echo shown >> '${this.account.counterFile}'; cat '${shown}'; exit 0; fi\nexec ${this.account.mfaProcess}\n`,
      { mode: 0o755 },
    );
    this.box.env.PATH = `${bin}:${this.box.env.PATH}`;
    this.vaultConfig = join(this.box.home, '.aws', 'vault-config');
    writeFileSync(this.vaultConfig, `[default]\nregion = us-east-1\nmfa_serial = ${MFA_SERIAL}\n\n[profile admin]\nsource_profile = default\nrole_arn = ${ROLE_ARN}\nmfa_serial = ${MFA_SERIAL}\nregion = us-east-1\n`);
    const vault = (profile: string) => `env AWS_CONFIG_FILE=${this.vaultConfig} ${this.binary} exec --json ${profile}`;
    writeFileSync(this.box.configFile, `[default]\nregion = us-east-1\ncredential_process = ${vault('default')}\n\n[profile admin]\nregion = us-east-1\ncredential_process = ${vault('admin')}\n`);
    const added = await this.run(this.binary, ['add', 'default', '--env'], {
      env: { AWS_CONFIG_FILE: this.vaultConfig, AWS_ACCESS_KEY_ID: this.account.key.accessKeyId, AWS_SECRET_ACCESS_KEY: this.account.key.secretAccessKey },
    });
    if (!added.ok) throw new Error(`aws-vault add failed: ${added.stderr}`);
  }
  override mfaPrompts() {
    return this.prompts + mfaProcessRuns(this.account);
  }
  override resetCounts() {
    super.resetCounts();
    rmSync(this.account.counterFile, { force: true });
  }
  cachedFetch() {
    return this.run(this.binary, ['exec', '--json', 'admin'], { env: { AWS_CONFIG_FILE: this.vaultConfig } });
  }
  override async prepareBurst() {
    writeFileSync(join(this.box.home, 'ykman-code'), `${await this.nextCode()}\n`);
    return undefined;
  }
  coldRefresh() {
    return this.cachedFetch();
  }
  /** Its keyring's session items: `sts.GetSessionToken,...` and `sts.AssumeRole,...` (the file backend names files by them). */
  private removeSessions(kind: RegExp) {
    for (const name of readdirSync(this.keysDir())) if (kind.test(decodeURIComponent(name))) rmSync(join(this.keysDir(), name), { force: true });
  }
  clearRole() {
    this.removeSessions(/^sts\.AssumeRole,/);
  }
  clearAll() {
    this.removeSessions(/^sts\./);
  }
}

/**
 * granted (common-fate, built from source): the key in `~/.aws/credentials`, the role profile
 * (`role_arn`, `source_profile`, `mfa_serial`) read by granted, and the AWS CLI reaching it through
 * `credential_process = granted credential-process --profile ...`, as its documentation shows; it
 * caches the role's credentials in its secure storage (here its encrypted-file backend). It asks
 * for each code with an interactive terminal form (survey) on stderr, which the AWS CLI captures:
 * the bench runs its commands on a pseudo-terminal and sends that stderr to the terminal, so the
 * form is seen and answered as a person at the terminal would. It keeps no MFA session for a role
 * profile: every AssumeRole takes a code.
 */
export class Granted extends Peer {
  readonly name = 'granted';
  readonly cachedFetchLabel = '`granted credential-process --profile admin-granted` (role credentials in its secure storage)';
  readonly coldRefreshLabel = 'the same, its cached role credentials gone: AssumeRole with a code (it keeps no MFA session for a role)';
  override readonly coldRefreshPrompts = true;
  // the form is ready for the code once it has shown the cursor again and asked where it is
  override readonly prompt = /MFA Token[^]*?\x1b\[\?25h\x1b\[6n/g;
  protected override readonly onTerminal = true;

  constructor(
    pythonBin: string,
    private readonly binary: string,
    readonly version: string,
  ) {
    super(pythonBin);
  }
  private storage() {
    return join(this.box.home, '.granted', 'secure-storage');
  }
  /** Its folders: `.granted`, and `.dgranted` for a build from source without release flags. */
  private folders() {
    return ['.granted', '.dgranted'].map((name) => join(this.box.home, name));
  }
  protected override extraEnv() {
    // its AssumeRole client misses AWS_ENDPOINT_URL (its SDK resolves credentials before the base
    // endpoint) but takes the service's own variable: unpatched
    return { CF_KEYRING_FILE_PASSWORD: PASSPHRASE, AWS_ENDPOINT_URL_STS: this.stack.endpoint };
  }
  protected async writeProfiles() {
    mkdirSync(this.storage(), { recursive: true, mode: 0o700 });
    for (const folder of this.folders()) {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      writeFileSync(join(folder, 'config'), `[Keyring]\n  Backend = "file"\n  FileDir = "${this.storage()}"\n`);
    }
    const command = `sh -c 'exec ${this.binary} credential-process --profile admin-granted 2>/dev/tty'`;
    writeFileSync(
      this.box.configFile,
      `[default]\nregion = us-east-1\n\n[profile admin-granted]\nrole_arn = ${ROLE_ARN}\nsource_profile = default\nmfa_serial = ${MFA_SERIAL}\nregion = us-east-1\n\n` +
        `[profile admin]\nregion = us-east-1\ncredential_process = ${command}\n`,
    );
    writeFileSync(this.box.credentialsFile, `[default]\naws_access_key_id = ${this.account.key.accessKeyId}\naws_secret_access_key = ${this.account.key.secretAccessKey}\n`, { mode: 0o600 });
  }
  override read(): Promise<Ran> {
    return this.aws(['s3api', 'list-buckets'], { terminal: false });
  }
  cachedFetch() {
    return this.run(this.binary, ['credential-process', '--profile', 'admin-granted']);
  }
  coldRefresh(options: CallOptions) {
    return this.run(this.binary, ['credential-process', '--profile', 'admin-granted'], options);
  }
  clearRole() {
    rmSync(this.storage(), { recursive: true, force: true });
    mkdirSync(this.storage(), { recursive: true, mode: 0o700 });
    for (const folder of this.folders()) {
      for (const name of readdirSync(folder)) if (name.startsWith('secure-storage')) rmSync(join(folder, name), { recursive: true, force: true });
    }
  }
  clearAll() {
    this.clearRole();
  }
}
