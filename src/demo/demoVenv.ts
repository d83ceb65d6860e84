/**
 * The demo's private Python virtual environment: moto's server (the AWS emulator) and the AWS CLI
 * v1, pinned in assets/demo/requirements.txt. Created on first use in the user's cache folder and
 * stamped with the hash of the requirements, so it is rebuilt only when they change.
 * ROLEGATE_DEMO_VENV names a ready environment to use as it is (the tests point it at .venv/).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../userError.js';
import { runChild } from './childRun.js';
import { assetPath } from './assets.js';

export const DEMO_VENV_VARIABLE = 'ROLEGATE_DEMO_VENV';
const STAMP = '.rolegate-demo-requirements.sha256';
const INSTALL_TIMEOUT_MS = 15 * 60_000;

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
  say(`first run: installing the emulator (moto) and the AWS CLI into ${venv}; this takes a few minutes, once`);
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
  const pip = join(venv, 'bin', 'pip');
  const pipEnv = { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  const installed = await runChild(pip, ['install', '--quiet', '-r', requirements], { env: pipEnv, timeoutMs: INSTALL_TIMEOUT_MS, signal });
  if (installed.code !== 0) {
    rmSync(venv, { recursive: true, force: true });
    throw new UserError(
      `installing the emulator failed${installed.timedOut ? ` (pip did not finish within ${INSTALL_TIMEOUT_MS / 60_000} minutes)` : ''}: ${lastLine(installed.stderr)}`,
      { next: 'check the network connection to PyPI (pip honours HTTPS_PROXY and PIP_INDEX_URL), then run rolegate demo again' },
    );
  }
  writeFileSync(stamp, wanted);
  return { bin: join(venv, 'bin') };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? 'no message';
}
