// `rolegate demo` end to end: its own emulator (moto from .venv, through ROLEGATE_DEMO_VENV, so the
// test does not pip-install), the real AWS CLI, every stage. The person's HOME is a folder of the
// test's with a ~/.aws of its own, and their environment holds AWS variables: the demo must use
// neither and leave both as they were. TMPDIR is the test's too, so "the temporary HOME is removed"
// is checked by the folder being empty afterwards. The full run uses the shipped build
// (dist/bundle/, what `npm install` puts on PATH), so every command of the demo runs as installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { projectRoot, rolegateBin } from '../harness/paths.js';
import { run, runRolegate } from '../harness/run.js';

const shippedBin = join(projectRoot, 'dist', 'bundle', 'cli', 'main.cjs');

const STAGES = [
  'a local AWS emulator',
  'setup, from a bootstrap admin',
  'read-only by default',
  'writing is denied',
  'elevation with MFA',
  'exec: short-lived credentials',
  'verify',
  'audit',
  'rotate',
  'teardown',
];

interface Person {
  home: string;
  tmp: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A person's machine: a HOME with ~/.aws and caches, AWS variables in the environment, a TMPDIR. */
function person(extraEnv: NodeJS.ProcessEnv = {}): Person {
  const root = mkdtempSync(join(tmpdir(), 'rolegate-demo-test-'));
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  mkdirSync(join(home, '.aws'), { recursive: true });
  mkdirSync(join(home, '.cache'), { recursive: true });
  mkdirSync(tmp);
  writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = eu-west-1\n\n[profile prod]\nregion = eu-west-1\n', { mode: 0o600 });
  writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = the-persons-own-secret\n', { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|BOTO_|ROLEGATE_|XDG_)/.test(key)) env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    TMPDIR: tmp,
    AWS_PROFILE: 'prod',
    AWS_ACCESS_KEY_ID: 'AKIAI44QH8DHBEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    ROLEGATE_DEMO_VENV: join(projectRoot, '.venv'),
    ...extraEnv,
  });
  return { home, tmp, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file and folder under `dir` with its bytes and modification time. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      const stat = statSync(full);
      out[relative(dir, full)] = entry.isDirectory() ? `dir ${stat.mtimeMs}` : `${stat.mtimeMs} ${readFileSync(full, 'latin1')}`;
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

async function refused(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(5000) });
    return false;
  } catch {
    return true;
  }
}

test('the demo (shipped build) runs every stage against its own emulator, exits 0, and leaves the real HOME, ~/.aws and the package folder untouched', async () => {
  const me = person();
  try {
    const before = snapshot(me.home);
    // the installed package's assets (the emulator's launcher): no bytecode or anything else written there
    const packageAssets = snapshot(join(projectRoot, 'assets'));
    const result = await run(process.execPath, [shippedBin, 'demo'], { env: me.env, timeoutMs: 180_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    // colours are on where CI is set (picocolors' rule); the person reads the text without them
    const out = stripVTControlCharacters(result.stdout);
    assert.match(out, /Nothing here touches a real AWS account/);
    let at = 0;
    STAGES.forEach((title, i) => {
      const heading = out.indexOf(`step ${i + 1} of ${STAGES.length}: ${title}`);
      assert.ok(heading > at, `stage ${i + 1} (${title}) is printed, after the one before`);
      at = heading;
    });
    // what each stage claims, as the commands printed it
    assert.match(out, /\[profile admin\]\n {4}role_arn = arn:aws:iam::123456789012:role\/admin/, 'the profiles setup wrote are shown');
    assert.match(out, /"Arn": "arn:aws:iam::123456789012:user\/admin"/, 'read-only identity');
    assert.match(out, /AccessDenied\) when calling the CreateBucket operation/, 'denied write');
    assert.match(out, /Enter MFA code for arn:aws:iam::123456789012:mfa\/admin: \d{6} {2}\(demo code/, 'the code is shown as a demo code');
    assert.match(out, /assumed-role\/admin\//, 'elevated identity');
    assert.match(out, /verified: the setup holds/);
    assert.match(out, /rotated: user admin now uses/);
    assert.match(out, /Teardown complete/);
    assert.match(out, /rolegate setup --plan/, 'the real command is named at the end');
    // nothing of the person's: not their profile, key or region
    assert.doesNotMatch(out + result.stderr, /\bprod\b|AKIAI44QH8DHBEXAMPLE|eu-west-1|the-persons-own-secret/);
    // no secret of the demo either: no secret key, no MFA seed
    assert.doesNotMatch(out + result.stderr, /aws_secret_access_key|SecretAccessKey|secret=|[A-Z2-7]{32}/);
    assert.deepEqual(snapshot(me.home), before, 'the real HOME is exactly as it was');
    assert.deepEqual(snapshot(join(projectRoot, 'assets')), packageAssets, 'nothing written inside the package');
    assert.deepEqual(readdirSync(me.tmp), [], 'the temporary HOME is removed');
    const endpoint = /emulator: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(endpoint, 'the emulator endpoint is printed');
    assert.ok(await refused(endpoint), 'the emulator is stopped');
  } finally {
    me.cleanup();
  }
});

test('Ctrl-C during setup stops the emulator, removes the temporary HOME and exits 130', async () => {
  const me = person();
  try {
    const child = spawn(process.execPath, [rolegateBin, 'demo'], { env: me.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let raw = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
      // as a terminal would: SIGINT to the demo's process group, once setup has started
      if (!interrupted && stripVTControlCharacters(raw).includes('$ rolegate setup')) {
        interrupted = true;
        process.kill(-child.pid!, 'SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    const out = stripVTControlCharacters(raw);
    assert.ok(interrupted, out);
    assert.equal(code, 130, out);
    assert.match(out, /demo interrupted \(SIGINT\): emulator stopped, temporary HOME removed/);
    assert.doesNotMatch(out, /step 3 of/);
    assert.deepEqual(readdirSync(me.tmp), [], 'the temporary HOME is removed');
    const endpoint = /emulator: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(endpoint && (await refused(endpoint)), 'the emulator is stopped');
  } finally {
    me.cleanup();
  }
});

test('without Python 3 (and no prepared environment) the demo names what to install, exits 1 and creates nothing', async () => {
  const noPython = mkdtempSync(join(tmpdir(), 'rolegate-demo-nopython-'));
  const me = person({ PATH: noPython, ROLEGATE_DEMO_VENV: undefined });
  try {
    const before = snapshot(me.home);
    const result = await runRolegate(['demo'], { env: me.env });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /needs Python 3.*python3 was not found/);
    assert.match(result.stderr, /next: .*apt install python3 python3-venv/);
    assert.deepEqual(snapshot(me.home), before, 'no cache folder, nothing else');
    assert.deepEqual(readdirSync(me.tmp), []);
  } finally {
    me.cleanup();
    rmSync(noPython, { recursive: true, force: true });
  }
});

test('a python3 without its venv module (a stand-in for Debian without python3-venv): names the package, leaves no half-made environment', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'rolegate-demo-novenv-'));
  // what Debian's python3 prints, on stdout, when python3-venv is not installed
  writeFileSync(
    join(bin, 'python3'),
    '#!/bin/sh\nif [ "$1" = --version ]; then echo "Python 3.11.2"; exit 0; fi\n' +
      'echo "The virtual environment was not created successfully because ensurepip is not"\n' +
      'echo "available.  On Debian/Ubuntu systems, you need to install the python3-venv package."\nexit 1\n',
  );
  chmodSync(join(bin, 'python3'), 0o755);
  const me = person({ PATH: bin, ROLEGATE_DEMO_VENV: undefined });
  try {
    const result = await runRolegate(['demo'], { env: me.env });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /python3 -m venv failed: .*python3-venv/);
    assert.match(result.stderr, /next: .*apt install python3 python3-venv/);
    assert.ok(!existsSync(join(me.home, '.cache', 'rolegate', 'demo-venv')), 'no half-made environment is left');
    assert.deepEqual(readdirSync(me.tmp), []);
  } finally {
    me.cleanup();
    rmSync(bin, { recursive: true, force: true });
  }
});

/**
 * A stand-in python3 whose `-m venv DIR` makes DIR/bin with stand-ins for pip (which can fetch a
 * stand-in uv only when `uvAvailable`) and uv; both log their arguments and "install" by creating
 * bin/aws. The emulator then cannot start (the stand-in python runs no moto): the demo ends there.
 */
function installerStandIns(uvAvailable: boolean): { bin: string; log: string } {
  const bin = mkdtempSync(join(tmpdir(), 'rolegate-demo-installer-'));
  const log = join(bin, 'log');
  const script = (path: string, text: string) => {
    writeFileSync(path, `#!/bin/sh\n${text}`);
    chmodSync(path, 0o755);
  };
  script(join(bin, 'uv-standin'), `echo "uv $*" >> '${log}'\ntouch "$(dirname "$0")/aws"\n`);
  script(
    join(bin, 'pip-standin'),
    `echo "pip $*" >> '${log}'\ncase "$*" in\n` +
      `  *uninstall*) rm -f "$(dirname "$0")/uv" ;;\n` +
      `  *uv==*) ${uvAvailable ? `cp '${join(bin, 'uv-standin')}' "$(dirname "$0")/uv"` : 'echo "ERROR: No matching distribution found for uv" >&2; exit 1'} ;;\n` +
      `  *-r*) touch "$(dirname "$0")/aws" ;;\nesac\n`,
  );
  script(
    join(bin, 'python3'),
    `if [ "$1" = --version ]; then echo "Python 3.11.2"; exit 0; fi\n` +
      `if [ "$1" = -m ] && [ "$2" = venv ]; then mkdir -p "$3/bin" && cp '${join(bin, 'pip-standin')}' "$3/bin/pip" && ln -s '${join(bin, 'python3')}' "$3/bin/python"; exit $?; fi\n` +
      'echo "stand-in python: no moto here" >&2\nexit 3\n',
  );
  return { bin, log };
}

for (const uvAvailable of [true, false]) {
  test(`first run (stand-ins for python3, pip and uv): the emulator is installed from wheels ${uvAvailable ? 'by uv, fetched by pip and removed after' : 'by pip when uv cannot be had'}; the demo says the time, the size and how to remove it`, async () => {
    const { bin, log } = installerStandIns(uvAvailable);
    const me = person({ PATH: `${bin}:/usr/bin:/bin`, ROLEGATE_DEMO_VENV: undefined });
    try {
      const result = await runRolegate(['demo', '--fast'], { env: me.env });
      const out = stripVTControlCharacters(result.stdout);
      const venv = join(me.home, '.cache', 'rolegate', 'demo-venv');
      const requirements = join(projectRoot, 'assets', 'demo', 'requirements.txt');
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      assert.equal(calls[0], `pip install --quiet --only-binary :all: uv==0.13.9`);
      if (uvAvailable) {
        assert.deepEqual(calls.slice(1), [
          `uv pip install --quiet --python ${venv}/bin/python --only-binary :all: --compile-bytecode -r ${requirements}`,
          'pip uninstall --quiet --yes uv',
        ]);
        assert.ok(!existsSync(join(venv, 'bin', 'uv')), 'uv is removed after use');
      } else {
        assert.deepEqual(calls.slice(1), [`pip install --quiet --only-binary :all: -r ${requirements}`]);
      }
      assert.match(out, /first run: installing the emulator \(moto\) and the AWS CLI into .*demo-venv \(about \d+ MB, once/);
      assert.match(out, new RegExp(`emulator installed in \\d+ s: \\d+ MB; to remove it: rm -rf '?${venv.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'?\\n`));
      // the stand-in python runs no moto: the demo stops at the emulator, saying so
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stderr, /the local AWS emulator did not start/);
    } finally {
      me.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });
}
