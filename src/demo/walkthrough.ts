/**
 * `rolegate demo`: the whole life of the tool against a local AWS emulator, under a temporary HOME.
 * Each stage prints a heading, says what it shows, runs the real command (rolegate itself, the AWS
 * CLI) and checks that it did what the stage claims; a stage that does not ends the demo with
 * status 1. The emulator is stopped and the temporary HOME removed on every way out: success,
 * failure, Ctrl-C, SIGTERM or SIGHUP (status 130).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { quotePosix } from '../shellQuote.js';
import { UserError } from '../userError.js';
import { currentCode } from './demoAuthenticator.js';
import { demoEnvironment, makeDemoHome, type DemoHome } from './demoHome.js';
import { prepareDemoVenv } from './demoVenv.js';
import { startEmulator, type Emulator } from './emulator.js';
import { createBootstrapAdmin } from './bootstrapAdmin.js';
import { collectOutput, killGroup, type StepResult } from './stepOutput.js';

export interface DemoOptions {
  /** How to start rolegate itself: [node, entry script]. */
  rolegate: string[];
  /** Pause between stages (a person reading on a terminal). */
  paced: boolean;
  env: NodeJS.ProcessEnv;
  write(text: string): void;
}

const REGION = 'us-east-1';
/** Ways a person ends the demo early: Ctrl-C, kill, a closed terminal. Each cleans up and exits 130. */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const STEP_TIMEOUT_MS = 120_000;
const STAGES = [
  'a local AWS emulator',
  'setup, from a bootstrap admin',
  'read-only by default',
  'writing is denied',
  'elevation with MFA',
  'exec: short-lived credentials for any command',
  'verify: the setup proves itself',
  'audit: what is unsafe, here and in the account',
  'rotate: a new key, proven before the old one goes',
  'teardown: everything setup made, removed',
] as const;

/** Runs the demo; resolves to the exit status. A signal (Ctrl-C, SIGTERM, SIGHUP) exits the process with 130. */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { write } = options;
  const pause = (ms: number) => (options.paced ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
  let home: DemoHome | undefined;
  let emulator: Emulator | undefined;
  let running: ChildProcess | undefined;

  // ends the venv's creation (python -m venv, pip) when the demo is interrupted during it
  const interrupted = new AbortController();
  const cleanUpNow = () => {
    interrupted.abort();
    if (running?.pid !== undefined && running.exitCode === null) killGroup(running.pid);
    emulator?.kill();
    home?.remove();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    write(`\n${pc.yellow(`demo interrupted (${signal})`)}: emulator stopped, temporary HOME removed.\n`);
    cleanUpNow();
    process.exit(130);
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  process.once('exit', cleanUpNow);

  const heading = async (n: number) => {
    await pause(1200);
    write(`\n${pc.bold(pc.cyan(`── step ${n} of ${STAGES.length}: ${STAGES[n - 1]}`))}\n`);
  };
  const say = (text: string) => write(`${text}\n`);

  try {
    write(
      `${pc.bold('rolegate demo')}\n` +
        `Nothing here touches a real AWS account: every AWS call goes to a local emulator (moto) on\n` +
        `127.0.0.1, and every file is written under a temporary HOME that is removed at the end.\n` +
        `Your own ~/.aws, credentials and keychain are never read or written.\n`,
    );

    await heading(1);
    const venv = await prepareDemoVenv(options.env, say, interrupted.signal);
    home = makeDemoHome();
    emulator = await startEmulator({ bin: venv.bin, home: home.home, path: options.env.PATH ?? '/usr/bin:/bin' });
    const env = demoEnvironment(options.env, { home, endpoint: emulator.endpoint, venvBin: venv.bin, region: REGION });
    say(`emulator:       ${emulator.endpoint} (moto's server, from ${venv.bin})`);
    say(`temporary HOME: ${home.home}`);

    const step = async (shown: string, file: string, args: string[], extra: { input?: string; env?: NodeJS.ProcessEnv; typed?: string } = {}) => {
      await pause(600);
      write(`${pc.green('$')} ${pc.bold(shown)}\n`);
      const child = spawn(file, args, { env: { ...env, ...extra.env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      running = child;
      child.stdin.on('error', () => {
        /* a command may exit without reading its input */
      });
      child.stdin.end(extra.input ?? '');
      const result = await collectOutput(child, write, { typed: extra.typed, timeoutMs: STEP_TIMEOUT_MS });
      running = undefined;
      return result;
    };
    const aws = (args: string[], extra: { input?: string; typed?: string } = {}) => step(`aws ${args.join(' ')}`, join(venv.bin, 'aws'), args, extra);
    const rolegate = (args: string[], shown = args.join(' ')) => step(`rolegate ${shown}`, options.rolegate[0]!, [...options.rolegate.slice(1), ...args]);
    const expect = (ok: boolean, what: string, result: StepResult) => {
      if (!ok) {
        throw new UserError(`the demo stopped: ${what} (exit status ${result.code})`, {
          next: 'the output above shows what the command said; please report it with that output',
        });
      }
    };

    // A fresh account's admin: one IAM user with AdministratorAccess and a long-term key. moto takes
    // any key while its access control is off; then it is switched on and checks every request.
    const bootstrapKey = await createBootstrapAdmin(join(venv.bin, 'aws'), env);
    writeFileSync(home.credentialsFile, `[bootstrap]\naws_access_key_id = ${bootstrapKey.id}\naws_secret_access_key = ${bootstrapKey.secret}\n`, { mode: 0o600 });
    await emulator.enableAccessControl();
    say('account:        123456789012 (the emulator\'s), with one admin user, bootstrap-admin,');
    say('                whose long-term key is in profile bootstrap, as many accounts start');
    say('access control: on; from here every request is checked against the IAM policies');

    await heading(2);
    const authenticator = join(home.home, 'demo-authenticator.uri');
    const authenticatorCommand = (mode: string) => [...options.rolegate, 'demo-authenticator', mode, authenticator].map(quotePosix).join(' ');
    say(
      'Setup creates the read-only user, its MFA device, the admin role, the key and the profiles, using\n' +
        "the bootstrap admin's key. Pairing the MFA device takes two codes from an authenticator app: the\n" +
        "demo's stand-in authenticator computes them from the device's seed and shows them as demo codes.\n" +
        'Two choices made for the emulator: --store plain keeps the key in ~/.aws/credentials, because moto\n' +
        'rejects the MFA sessions that the keychain and file stores use once access control is on (a real\n' +
        'setup keeps it in the OS keychain); --trust user, because moto matches trust principals literally.',
    );
    const setup = await rolegate(
      ['setup', '--bootstrap-profile', 'bootstrap', '--store', 'plain', '--trust', 'user', '--yes', '--mfa-pair-command', authenticatorCommand('pair'), '--mfa-code-command', authenticatorCommand('pairing-code')],
      "setup --bootstrap-profile bootstrap --store plain --trust user --yes --mfa-pair-command 'demo authenticator' --mfa-code-command 'demo authenticator'",
    );
    expect(setup.code === 0, 'setup failed', setup);
    await pause(600);
    say('The profiles it wrote, in ~/.aws/config (of the temporary HOME):');
    write(readFileSync(home.configFile, 'utf8').replace(/^(?=.)/gm, '    '));

    await heading(3);
    say('The AWS CLI now uses the read-only user by default: no flag, no code.');
    const identity = await aws(['sts', 'get-caller-identity']);
    expect(identity.code === 0 && identity.output.includes(':user/admin'), 'the default profile is not the read-only user', identity);

    await heading(4);
    say('The read-only user (SecurityAudit) cannot change anything: creating a bucket is refused.');
    const denied = await aws(['s3api', 'create-bucket', '--bucket', 'rolegate-demo']);
    expect(denied.code !== 0 && /AccessDenied/.test(denied.output), 'the write was not denied', denied);
    say(pc.dim('(denied, as it should be)'));

    await heading(5);
    say('`aws --profile admin` assumes the admin role, which needs an MFA code; the AWS CLI asks for it and');
    say('keeps the role for the session. The demo types the code its authenticator shows.');
    const code = currentCode(authenticator);
    const elevated = await aws(['--profile', 'admin', 's3api', 'create-bucket', '--bucket', 'rolegate-demo'], { input: `${code}\n`, typed: `${code}  ${pc.dim('(demo code, typed by the demo)')}` });
    expect(elevated.code === 0, 'elevation failed', elevated);
    const asAdmin = await aws(['--profile', 'admin', 'sts', 'get-caller-identity']);
    expect(asAdmin.code === 0 && asAdmin.output.includes(':assumed-role/admin/'), 'the admin profile did not give the role', asAdmin);

    await heading(6);
    say('Any tool gets short-lived credentials in its environment; the role session is reused, no new code.');
    const exec = await rolegate(['exec', 'admin', '--', 'aws', 's3api', 'list-buckets', '--query', 'Buckets[].Name']);
    expect(exec.code === 0 && exec.output.includes('rolegate-demo'), 'exec did not run the command as the admin role', exec);

    await heading(7);
    say('verify proves the setup holds: reading works, writing is denied, elevation works only with MFA.');
    const verify = await rolegate(['verify', '--mfa-code-command', authenticatorCommand('code')], "verify --mfa-code-command 'demo authenticator'");
    expect(verify.code === 0, 'verify found a failing check', verify);

    await heading(8);
    say('audit looks at this laptop (here: the temporary HOME) and the account. Expect findings: the');
    say("emulator's root user has no MFA, the bootstrap admin's key is an admin key in plaintext, and the");
    say('plain store was chosen for the emulator. Each finding names the command that fixes it.');
    const audit = await rolegate(['audit']);
    expect(audit.code === 0 && /finding/.test(audit.output), 'audit did not report', audit);

    await heading(9);
    say('rotate makes a new key through the admin role, proves it, stores it, then deletes the old one.');
    const rotate = await rolegate(['rotate', '--yes', '--mfa-code-command', authenticatorCommand('code')], "rotate --yes --mfa-code-command 'demo authenticator'");
    expect(rotate.code === 0, 'rotate failed', rotate);
    const afterRotate = await aws(['sts', 'get-caller-identity', '--query', 'Arn']);
    expect(afterRotate.code === 0, 'the rotated key does not work', afterRotate);

    await heading(10);
    say('teardown removes exactly what setup created, in the account and in the profiles.');
    const teardown = await rolegate(['teardown', '--bootstrap-profile', 'bootstrap', '--yes']);
    expect(teardown.code === 0, 'teardown failed', teardown);

    await pause(1200);
    write(
      `\n${pc.bold('The demo is over.')} Nothing touched a real account; the emulator is stopped and the temporary\n` +
        'HOME removed. For real, run with your bootstrap admin credentials (a root key, or an admin profile):\n\n' +
        `  ${pc.bold('rolegate setup --plan')}      what it would create, changing nothing\n` +
        `  ${pc.bold('rolegate setup')}             the real thing: QR code for your authenticator app, key in the OS keychain\n`,
    );
    return 0;
  } finally {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('exit', cleanUpNow);
    if (running?.pid !== undefined && running.exitCode === null) killGroup(running.pid);
    await emulator?.stop();
    home?.remove();
  }
}
