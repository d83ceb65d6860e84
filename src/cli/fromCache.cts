/**
 * The fast path: `credential-process`, `env` and `exec` (plain variables or the endpoint) answered from the cache through
 * the shortcut note (cache/credentialProcessShortcut.cts), before any ES module, the argument parser
 * or the config parser loads. Each takes only the arguments it knows: anything else (another flag,
 * --duration, --help, a second operand, an environment that already holds credentials) and any
 * miss return false, and main.cts takes the full path, which gives the same answer or the error.
 * The output comes from the modules the full paths use too (envFormat.cts, execChild.cts).
 */
import { readShortcut, readShortcutAnswer, roleRefreshNote } from '../cache/credentialProcessShortcut.cjs';
import { credentialProcessLine, HANDOUT_MARGIN_MS } from '../cache/temporaryCredentials.cjs';
import { defaultProfileName } from '../config/defaultProfile.cjs';
import { writeOut } from './writeOut.cjs';

/** true: answered; a promise: answered by a command still running (its exit code); false: take the full path. */
export type FastAnswer = boolean | Promise<number>;

const usableProfile = (profile: string | undefined): profile is string => profile !== undefined && profile !== '' && !profile.startsWith('-');

function credentialProcess(rest: string[], env: NodeJS.ProcessEnv): boolean {
  const profile = rest[0];
  if (rest.length !== 1 || !usableProfile(profile)) return false;
  const cached = readShortcut(profile, env);
  if (!cached) {
    missed = profile;
    return false;
  }
  writeOut(1, credentialProcessLine(cached));
  return true;
}

/** `env [PROFILE] [--format F]` */
function envCommand(rest: string[], env: NodeJS.ProcessEnv): boolean {
  let profile: string | undefined;
  let format: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--format') format = rest[++i] ?? '';
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg.startsWith('-') || profile !== undefined) return false;
    else profile = arg;
  }
  profile ??= defaultProfileName(env);
  if (!usableProfile(profile)) return false;
  const { detectFormat, ENV_FORMATS, envAnswer } = require('./envFormat.cjs') as typeof import('./envFormat.cjs');
  format ??= detectFormat(env);
  if (!(ENV_FORMATS as readonly string[]).includes(format)) return false;
  const answer = readShortcutAnswer(profile, env, HANDOUT_MARGIN_MS);
  if (!answer) {
    missed = profile;
    return false;
  }
  let out: { stdout: string; stderr: string };
  try {
    out = envAnswer({ profile, ...answer }, format as (typeof ENV_FORMATS)[number]);
  } catch {
    return false; // a value env will not print (a region with a newline): the full path says why
  }
  writeOut(1, out.stdout);
  writeOut(2, out.stderr);
  return true;
}

/** `exec [PROFILE] [--env-only] [-- CMD...]`: plain variables, or the endpoint (exec's default, execEndpointFromCache.cts). */
function execCommand(rest: string[], env: NodeJS.ProcessEnv): FastAnswer {
  const dashes = rest.indexOf('--');
  const before = dashes < 0 ? rest : rest.slice(0, dashes);
  const given = dashes < 0 ? [] : rest.slice(dashes + 1);
  let profile: string | undefined;
  let envOnly = false;
  for (const arg of before) {
    if (arg === '--env-only') envOnly = true;
    else if (arg.startsWith('-') || profile !== undefined) return false;
    else profile = arg;
  }
  profile ??= defaultProfileName(env);
  if (!usableProfile(profile)) return false;
  const child = require('./execChild.cjs') as typeof import('./execChild.cjs');
  if (child.credentialsInEnvironment(env).length > 0) return false;
  missed = profile;
  if (!envOnly) return (require('./execEndpointFromCache.cjs') as typeof import('./execEndpointFromCache.cjs')).execEndpointFromCache(profile, given, env);
  const answer = readShortcutAnswer(profile, env, HANDOUT_MARGIN_MS);
  if (!answer) return false;
  const vars = child.plainVariables(answer.credentials, answer.region);
  return child.runChild(child.commandToRun(given, profile, env), child.commandEnvironment(env, vars, profile));
}

function answer(args: string[], env: NodeJS.ProcessEnv): FastAnswer {
  const [command, ...rest] = args;
  if (command === 'credential-process') return credentialProcess(rest, env);
  if (command === 'env') return envCommand(rest, env);
  if (command === 'exec') return execCommand(rest, env);
  return false;
}

/** The profile of a command line this module handles that missed the cache (set by the commands above). */
let missed: string | undefined;

export function answerFromCache(args: string[], env: NodeJS.ProcessEnv): FastAnswer {
  missed = undefined;
  const first = answer(args, env);
  if (first !== false || missed === undefined) return first;
  // A miss: when another process is already refreshing this profile (a burst), wait for it here
  // and read the cache again, rather than load the full path to wait on its lock.
  const { waitForLeader } = require('../files/refreshLeader.cjs') as typeof import('../files/refreshLeader.cjs');
  return waitForLeader(missed, env, () => answer(args, env), {
    mayLead: args[0] !== 'exec',
    onWait: (pid) => writeOut(2, `rolegate: waiting for another rolegate process (pid ${pid}) that is refreshing these credentials\n`),
  });
}

/**
 * After a miss of `credential-process PROFILE`: what the hourly role refresh (roleRefresh.ts)
 * starts from, when the note records the profile's role and the files are as they were; else
 * undefined (the full path).
 */
export function roleRefreshStart(args: string[], env: NodeJS.ProcessEnv): ReturnType<typeof roleRefreshNote> {
  const [command, profile] = args;
  return args.length === 2 && command === 'credential-process' && usableProfile(profile) ? roleRefreshNote(profile, env) : undefined;
}
