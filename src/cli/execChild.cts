/**
 * How exec runs its command, for both of its paths: the fast one in main.cts (plain variables from a
 * cache hit) and the full one in exec.ts. CommonJS, so the fast path loads it without the ES module
 * loader.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { childEnv } from '../childEnv.cjs';
import { credentialVariables, formatExpiration, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';

/** Variables that mean "credentials are already in this environment" (exec refuses to nest on them). */
export const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const;

/** The credential variables already set (exec refuses to nest): also a parent exec's endpoint. */
export function credentialsInEnvironment(env: NodeJS.ProcessEnv): string[] {
  const present: string[] = CREDENTIAL_VARIABLES.filter((name) => env[name]);
  if (env.ROLEGATE_PROFILE && env.AWS_CONTAINER_CREDENTIALS_FULL_URI) present.push('AWS_CONTAINER_CREDENTIALS_FULL_URI');
  return present;
}

/** What exec hands the command without its endpoint (--env-only, or when the endpoint cannot be used). */
export function plainVariables(credentials: TemporaryCredentials, region: string | undefined): Record<string, string> {
  if (credentials.noExpiry) return credentialVariables(credentials, region);
  return { ...credentialVariables(credentials, region), ROLEGATE_EXPIRATION: formatExpiration(credentials.expiration) };
}

/** The command exec runs: the one given after --, else the person's shell (said on stderr). */
export function commandToRun(given: string[], profile: string, env: NodeJS.ProcessEnv): string[] {
  if (given.length > 0) return given;
  const shell = env.SHELL || '/bin/sh';
  process.stderr.write(`rolegate: starting ${shell} with the credentials of ${profile}; exit it to leave\n`);
  return [shell];
}

/** Signals passed on to the command. SIGINT and SIGQUIT from a terminal already reach it (same process group). */
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGINT', 'SIGQUIT'];
const DIE_WITH: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGKILL', 'SIGABRT', 'SIGALRM', 'SIGUSR2'];

/** Variables that point a client somewhere else than exec's endpoint, or at another profile. */
const SHADOWING_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'];

/**
 * The command's environment: ours, the profile's temporary credentials, never AWS_PROFILE beside
 * them, and none of rolegate's own secrets (the key file's passphrase stays with rolegate).
 */
export function commandEnvironment(base: NodeJS.ProcessEnv, credentials: Record<string, string>, profile: string): NodeJS.ProcessEnv {
  const env = childEnv(base);
  for (const name of SHADOWING_VARIABLES) delete env[name];
  return { ...env, ...credentials, ROLEGATE_PROFILE: profile };
}

/** `beforeExit` runs as soon as the command has ended, before rolegate dies of the command's signal. */
export async function runChild(command: string[], env: NodeJS.ProcessEnv, beforeExit: () => Promise<void> = async () => undefined): Promise<number> {
  const [file, ...args] = command as [string, ...string[]];
  // Handlers go in before the command starts: a signal that arrives in between must not kill
  // rolegate with its default action and orphan the command.
  // isatty, not process.stdin.isTTY: the stream behind process.stdin costs a few ms to build
  const interactive = isatty(0);
  let child: ChildProcess | undefined;
  const pending: NodeJS.Signals[] = [];
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of FORWARDED) {
    // From a terminal, Ctrl-C and Ctrl-\ reach the command directly; forwarding them again would
    // make it see two (Terraform takes a second Ctrl-C as "stop now"). Otherwise pass them on.
    const handler = () => {
      if (interactive && (signal === 'SIGINT' || signal === 'SIGQUIT')) return;
      if (child) child.kill(signal);
      else pending.push(signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  child = spawn(file, args, { env, stdio: 'inherit' });
  for (const signal of pending) child.kill(signal);
  const started = child;
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException }>((resolve) => {
    started.once('error', (error) => resolve({ error }));
    started.once('exit', (code, signal) => resolve({ code, signal }));
  });
  for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  await beforeExit();
  if ('error' in outcome) {
    // as shells do: 127 for a command that is not found, 126 for one that cannot be run
    if (outcome.error.code === 'ENOENT' || outcome.error.code === 'EACCES') {
      const notFound = outcome.error.code === 'ENOENT';
      process.stderr.write(`rolegate: ${notFound ? 'command not found' : 'permission denied'}: ${file}\n  next: ${notFound ? 'check the command name and PATH' : 'check that the file is executable'}\n`);
      return notFound ? 127 : 126;
    }
    process.stderr.write(`rolegate: could not run ${file}: ${outcome.error.message}\n`);
    return 1;
  }
  if (outcome.signal) {
    const number = constants.signals[outcome.signal] ?? 1;
    // Die of the same signal, so the caller sees what the command saw (as a shell would). Only
    // for signals whose default action ends node: SIGUSR1 would start its inspector instead.
    if (DIE_WITH.includes(outcome.signal)) {
      process.kill(process.pid, outcome.signal);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return 128 + number;
  }
  return outcome.code ?? 1;
}
