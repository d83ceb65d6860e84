/**
 * The demo's private Python virtual environment: moto's server (the AWS emulator), with only the
 * parts the demo uses (IAM, STS, EC2, S3 and the server), and the AWS CLI v1, pinned in
 * assets/demo/requirements.txt. Created on first use in the user's cache folder, from wheels only,
 * and stamped with the hash of the requirements, so it is rebuilt only when they change.
 * ROLEGATE_DEMO_VENV names a ready environment to use as it is (the tests point it at .venv/).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../userError.js';
import { runChild, type ChildResult } from './childRun.js';
import { assetPath } from './assets.js';
import { quotePosix } from '../shellQuote.js';

export const DEMO_VENV_VARIABLE = 'ROLEGATE_DEMO_VENV';
const STAMP = '.rolegate-demo-requirements.sha256';
const INSTALL_TIMEOUT_MS = 15 * 60_000;
/**
 * The installer: uv (PyPI's `uv` package, fetched into the venv by pip, removed again after use)
 * takes a quarter of pip's CPU time for these packages (measured from empty caches: 10 s against
 * 40 s) and downloads in parallel; pip installs instead when uv cannot be had or fails (a PyPI
 * mirror set only in pip's own configuration, a platform without a uv wheel).
 */
const UV_VERSION = '0.13.9';
/**
 * Wheels only: nothing is built on the person's machine. Bytecode is compiled at install: left to
 * the first run, compiling moto's EC2 modules on the first EC2 call can outlast rolegate's 15 s
 * request timeout on a slow or busy machine.
 */
const WHEELS_ONLY = ['--only-binary', ':all:'];
/** What the environment takes on disk (du), as measured (the first run says the real size when done). */
export const DEMO_VENV_SIZE_MB = 170;

export const PYTHON_MISSING_NEXT =
  'install Python 3 with its venv module (Debian/Ubuntu: sudo apt install python3 python3-venv; Fedora: sudo dnf install python3; macOS: brew install python), then run rolegate demo again';

export interface DemoVenv {
  /** The folder holding the environment's python and aws. */
  bin: string;
}

export function demoVenvPath(env: NodeJS.ProcessEnv): string {
  const override = env[DEMO_VENV_VARIABLE];
  if (override) return override;
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'rolegate', 'demo-venv');
}

function requirementsHash(requirements: string): string {
  return createHash('sha256').update(readFileSync(requirements)).digest('hex');
}

function isComplete(venv: string): boolean {
  return existsSync(join(venv, 'bin', 'python')) && existsSync(join(venv, 'bin', 'aws'));
}

/** The environment, created or rebuilt first when needed; `say` tells the person why they wait. */
export async function prepareDemoVenv(env: NodeJS.ProcessEnv, say: (line: string) => void, signal?: AbortSignal): Promise<DemoVenv> {
  const venv = demoVenvPath(env);
  if (env[DEMO_VENV_VARIABLE]) {
    if (!isComplete(venv)) {
      throw new UserError(`${DEMO_VENV_VARIABLE}=${venv} is not a virtual environment with python and aws in bin/`, {
        next: `unset ${DEMO_VENV_VARIABLE} to let the demo create its own, or point it at a venv with moto[server] and awscli installed`,
      });
    }
    return { bin: join(venv, 'bin') };
  }
  const requirements = assetPath('demo', 'requirements.txt');
  const wanted = requirementsHash(requirements);
  const stamp = join(venv, STAMP);
  if (isComplete(venv) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return { bin: join(venv, 'bin') };

  const python = env.PYTHON || 'python3';
  const version = await runChild(python, ['--version'], { env, timeoutMs: 30_000 });
  if (version.startError || version.code !== 0) {
    throw new UserError(`the demo needs Python 3 to run its local AWS emulator, and ${python} ${version.startError ? 'was not found' : 'does not run'}`, {
      next: PYTHON_MISSING_NEXT,
    });
  }
  say(`first run: installing the emulator (moto) and the AWS CLI into ${venv} (about ${DEMO_VENV_SIZE_MB} MB, once; about a minute on a fast connection)`);
  const started = Date.now();
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(venv, { recursive: true });
  const created = await runChild(python, ['-m', 'venv', venv], { env, timeoutMs: 5 * 60_000, signal });
  if (created.code !== 0) {
    rmSync(venv, { recursive: true, force: true });
    // Debian's python3 without python3-venv says so on stdout ("ensurepip is not available")
    const said = `${created.stdout}\n${created.stderr}`;
    const noVenvModule = /ensurepip|venv/i.test(said) || created.startError !== undefined;
    throw new UserError(`${python} -m venv failed${created.timedOut ? ' (no answer within 5 minutes)' : ''}: ${lastLine(said)}`, {
      next: noVenvModule ? PYTHON_MISSING_NEXT : `run ${python} -m venv /tmp/venv-check to see why, fix it, then run rolegate demo again`,
    });
  }
  const installed = await installRequirements(venv, requirements, env, signal);
  if (installed.code !== 0) {
    rmSync(venv, { recursive: true, force: true });
    throw new UserError(
      `installing the emulator failed${installed.timedOut ? ` (pip did not finish within ${INSTALL_TIMEOUT_MS / 60_000} minutes)` : ''}: ${lastLine(installed.stderr)}`,
      { next: 'check the network connection to PyPI (pip honours HTTPS_PROXY and PIP_INDEX_URL), then run rolegate demo again' },
    );
  }
  writeFileSync(stamp, wanted);
  const seconds = Math.round((Date.now() - started) / 1000);
  say(`emulator installed in ${seconds} s: ${Math.round(folderBytes(venv) / 1e6)} MB; to remove it: rm -rf ${quotePosix(venv)}`);
  return { bin: join(venv, 'bin') };
}

/** Installs the requirements into the venv with uv, else with pip (see UV_VERSION). */
async function installRequirements(venv: string, requirements: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<ChildResult> {
  const pip = join(venv, 'bin', 'pip');
  const bounds = { env: { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' }, timeoutMs: INSTALL_TIMEOUT_MS, signal };
  const gotUv = await runChild(pip, ['install', '--quiet', ...WHEELS_ONLY, `uv==${UV_VERSION}`], bounds);
  if (gotUv.code === 0) {
    // uv reads UV_INDEX_URL, not pip's variable: a mirror named for pip is used by uv too
    const uvEnv = { ...bounds.env, ...(env.PIP_INDEX_URL && !env.UV_INDEX_URL ? { UV_INDEX_URL: env.PIP_INDEX_URL } : {}) };
    const python = join(venv, 'bin', 'python');
    const viaUv = await runChild(join(venv, 'bin', 'uv'), ['pip', 'install', '--quiet', '--python', python, ...WHEELS_ONLY, '--compile-bytecode', '-r', requirements], { ...bounds, env: uvEnv });
    await runChild(pip, ['uninstall', '--quiet', '--yes', 'uv'], bounds); // its 37 MB are not needed again
    if (viaUv.code === 0 || signal?.aborted) return viaUv;
  }
  return runChild(pip, ['install', '--quiet', ...WHEELS_ONLY, '-r', requirements], bounds);
}

/** What the files under `dir` take on disk, in bytes, as `du` counts it (symbolic links not followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += lstatSync(path).blocks * 512;
  }
  return total;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? 'no message';
}
