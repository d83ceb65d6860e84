// `rolegate completion bash|zsh|fish`, each script loaded in its own shell and asked to complete a
// command, an option, and profile names (from both shared files, read at completion time). bash
// is driven through its completion function (COMP_WORDS, COMP_CWORD), zsh through its real
// completion system on a pseudo-terminal (zpty: Tab, then a key that records the line), fish
// through `complete -C`. The scripts call `rolegate` from PATH: here the shipped build (dist/bundle),
// as an installed one would be.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { run } from '../harness/run.js';
import { projectRoot } from '../harness/paths.js';

const shippedBin = join(projectRoot, 'dist', 'bundle', 'cli', 'main.cjs');
let box: Sandbox;
let env: NodeJS.ProcessEnv;

before(() => {
  box = makeSandbox();
  const bin = join(box.home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'rolegate'), `#!/bin/sh\nexec '${process.execPath}' '${shippedBin}' "$@"\n`);
  chmodSync(join(bin, 'rolegate'), 0o755);
  writeFileSync(join(bin, 'rgtest-deploy'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(box.configFile, '[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\n\n[profile work-admin]\nregion = eu-west-1\n');
  writeFileSync(box.credentialsFile, '[legacy]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
  env = { ...box.env, PATH: `${bin}:${box.env.PATH}` };
});

after(() => box.cleanup());

/** The installed command, through the PATH the shells see. */
function rolegate(args: string[], options: { env: NodeJS.ProcessEnv }) {
  return run('rolegate', args, options);
}

async function script(shell: string): Promise<string> {
  const result = await rolegate(['completion', shell], { env });
  assert.equal(result.code, 0, result.stderr);
  const file = join(box.home, `completion.${shell}`);
  writeFileSync(file, result.stdout);
  return file;
}

// ---- bash ----

const BASH_DRIVER = `
source "$1"; shift
for line in "$@"; do
  read -r -a COMP_WORDS <<< "$line"
  [[ $line == *' ' ]] && COMP_WORDS+=('')
  COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  _rolegate
  echo "\${COMPREPLY[*]}"
done
`;

async function bashComplete(file: string, lines: string[]): Promise<string[]> {
  const result = await run('bash', ['--norc', '--noprofile', '-c', BASH_DRIVER, 'driver', file, ...lines], { env });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.split('\n').slice(0, lines.length);
}

test('bash: commands, options of each command, profile names from both files at completion time', async () => {
  const file = await script('bash');
  const [command, option, profiles, onePrefix, subcommands, configGet, profileOption, storeValue, demo, afterDashes] = await bashComplete(file, [
    'rolegate ex',
    'rolegate rotate --adm',
    'rolegate exec ',
    'rolegate exec w',
    'rolegate config ',
    'rolegate config get ',
    'rolegate verify --profile le',
    'rolegate setup --store ',
    'rolegate demo',
    'rolegate exec admin -- rgtest-dep',
  ]);
  assert.equal(command, 'exec');
  assert.equal(option, '--admin-profile');
  assert.deepEqual(profiles!.split(' ').sort(), ['admin', 'default', 'legacy', 'work-admin']);
  assert.equal(onePrefix, 'work-admin');
  assert.deepEqual(subcommands!.split(' ').sort(), ['get', 'help', 'set', 'unset']);
  assert.deepEqual(configGet!.split(' ').sort(), ['admin', 'default', 'legacy', 'work-admin']);
  assert.equal(profileOption, 'legacy');
  assert.equal(storeValue, 'keychain file plain', 'a value that is not a profile gets its own values, no profile names');
  assert.equal(demo, 'demo', 'the hidden demo-authenticator is not offered');
  assert.equal(afterDashes, 'rgtest-deploy', 'after --, the name of the command to run (one on PATH)');
  // read at completion time: a profile added now is offered at once
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8') + '\n[profile walrus]\n');
  const [later] = await bashComplete(file, ['rolegate exec w']);
  assert.deepEqual(later!.split(' ').sort(), ['walrus', 'work-admin']);
  writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8').replace('\n[profile walrus]\n', ''));
});

// ---- zsh ----

// Types each line and Tab into an interactive zsh with the script loaded, then ^X, bound to a widget
// that appends the edited line to a file; one line at a time, once the shell's line editor is up.
const ZSH_DRIVER = `
zmodload zsh/zpty
load=$1 out=$2; shift 2
zpty z zsh -f -i
# waits (draining the terminal, so the shell never blocks on output) until the screen shows $1 or
# the file $out has $2 lines; 30 s at most
typeset screen=''
wait_for() {
  local chunk i
  local -a recorded
  for (( i = 0; i < 300; i++ )); do
    while zpty -r -t z chunk; do screen+=$chunk; done
    [[ -n $1 && $screen == *$1* ]] && return 0
    if [[ -n $2 && -f $out ]]; then
      recorded=("\${(@f)$(<$out)}")
      (( \${#recorded} >= $2 )) && return 0
    fi
    sleep 0.1
  done
  print -u2 "zsh driver: timed out waiting for \${1:-$2 lines}"; exit 1
}
zpty -w z "PS1='> '; $load"
zpty -w z "rg-record() { print -r -- \\"[\\$BUFFER]\\" >> \${(q)out}; BUFFER=''; }; zle -N rg-record; bindkey '^X' rg-record; print READY-\\$((6*7))"
wait_for READY-42
n=0
for line in "$@"; do
  zpty -w -n z "$line"$'\\t'
  sleep 0.2
  zpty -w -n z $'\\x18'
  wait_for '' $(( ++n ))
done
zpty -d z
`;

async function zshComplete(load: string, lines: string[]): Promise<string[]> {
  const out = join(box.home, `zsh-lines-${Math.random().toString(36).slice(2)}`);
  const result = await run('zsh', ['-f', '-c', ZSH_DRIVER, 'driver', load, out, ...lines], { env, timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(existsSync(out), 'the recording widget ran');
  return readFileSync(out, 'utf8').trim().split('\n');
}

test('zsh: Tab completes a command, an option and a profile name in zsh\'s own completion system', async () => {
  const file = await script('zsh');
  const lines = ['rolegate ex', 'rolegate rotate --adm', 'rolegate exec w', 'rolegate verify --profile le', 'rolegate config get work'];
  assert.deepEqual(await zshComplete(`autoload -Uz compinit; compinit -u -D; source '${file}'`, lines), [
    '[rolegate exec ]',
    '[rolegate rotate --admin-profile ]',
    '[rolegate exec work-admin ]',
    '[rolegate verify --profile legacy ]',
    '[rolegate config get work-admin ]',
  ]);
});

test('zsh: saved as _rolegate in a folder of $fpath, compinit autoloads it', async () => {
  const folder = join(box.home, 'zfunc');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, '_rolegate'), readFileSync(await script('zsh')));
  const completed = await zshComplete(`fpath=('${folder}' $fpath); autoload -Uz compinit; compinit -u -D`, ['rolegate rotate --adm', 'rolegate exec w']);
  assert.deepEqual(completed, ['[rolegate rotate --admin-profile ]', '[rolegate exec work-admin ]']);
});

// ---- fish ----

async function fishComplete(file: string, line: string): Promise<string[]> {
  const result = await run('fish', ['--no-config', '-c', `source '${file}'; complete -C '${line}'`], { env });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean);
}

test('fish: complete -C gives commands and options with their descriptions, and profile names', async () => {
  const file = await script('fish');
  assert.deepEqual(await fishComplete(file, 'rolegate ex'), ['exec\trun a command (or your shell) with temporary credentials of a profile']);
  assert.deepEqual(await fishComplete(file, 'rolegate rotate --adm'), ['--admin-profile\tthe admin role profile that performs the rotation (default: the setup\'s)']);
  assert.deepEqual(await fishComplete(file, 'rolegate exec '), ['admin', 'default', 'legacy', 'work-admin']);
  assert.deepEqual(await fishComplete(file, 'rolegate teardown --bootstrap-profile le'), ['legacy']);
  assert.deepEqual(await fishComplete(file, 'rolegate setup --store '), ['file', 'keychain', 'plain']);
});

// ---- option values ----

test('option values complete in bash, zsh and fish: --store, --trust, --role-chain, env --format, completion SHELL', async () => {
  const bash = await bashComplete(await script('bash'), [
    'rolegate setup --store ',
    'rolegate import --store ',
    'rolegate setup --trust ',
    'rolegate setup --role-chain d',
    'rolegate env admin --format ',
    'rolegate completion ',
    'rolegate audit --fail-on h',
    'rolegate setup --mfa-device ',
  ]);
  assert.deepEqual(bash, ['keychain file plain', 'keychain file', 'account user', 'direct', 'bash zsh fish powershell dotenv json', 'bash zsh fish', 'high', 'app yubikey']);
  const fish = await script('fish');
  assert.deepEqual(await fishComplete(fish, 'rolegate setup --trust '), ['account', 'user']);
  assert.deepEqual(await fishComplete(fish, 'rolegate env --format p'), ['powershell']);
  assert.deepEqual(await fishComplete(fish, 'rolegate completion '), ['bash', 'fish', 'zsh']);
  assert.deepEqual(await fishComplete(fish, 'rolegate setup --role-chain '), ['direct', 'session']);
  const zsh = await script('zsh');
  assert.deepEqual(await zshComplete(`autoload -Uz compinit; compinit -u -D; source '${zsh}'`, ['rolegate env --format d', 'rolegate teardown --store k', 'rolegate completion z', 'rolegate setup --trust u']), [
    '[rolegate env --format dotenv ]',
    '[rolegate teardown --store keychain ]',
    '[rolegate completion zsh ]',
    '[rolegate setup --trust user ]',
  ]);
});

// ---- hostile profile names ----

// Names that run a command wherever a shell expands them, or break a list ($(...), backquotes, ;,
// a glob, a quote, a space, a colon), and one with an OSC 52 escape (which completion leaves out).
const marker = (n: number) => join(box.home, `ran-${n}`);
const HOSTILE = () => [`$(touch ${marker(1)})`, `\`touch ${marker(2)}\``, `;touch ${marker(3)}`, "it's here", 'q:colon', '*', '${HOME}x'];

function hostileEnv(): NodeJS.ProcessEnv {
  const file = join(box.home, 'hostile-config');
  const sections = HOSTILE().map((name) => `[profile "${name}"]\nregion = us-east-1\n`);
  writeFileSync(file, `[default]\nregion = us-east-1\n${sections.join('')}[profile "esc\x1b]52;c;aGk=\x07"]\nregion = us-east-1\n`);
  return { ...env, AWS_CONFIG_FILE: file };
}

function assertNothingRan(): void {
  for (const n of [1, 2, 3]) assert.ok(!existsSync(marker(n)), `a profile name was run as a command (${marker(n)} exists)`);
}

test('bash: hostile profile names are offered quoted, each the name itself, and nothing in them runs', async () => {
  const file = await script('bash');
  // each reply on a line, then the reply read back by bash as a word: the name, nothing run
  const driver = `source "$1"
COMP_WORDS=(rolegate exec ''); COMP_CWORD=2; COMPREPLY=(); _rolegate
for reply in "\${COMPREPLY[@]}"; do eval "word=$reply"; printf '%s\\n' "$word"; done
printf '%s\\n' ---
COMP_WORDS=(rolegate exec '$('); COMP_CWORD=2; COMPREPLY=(); _rolegate
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = await run('bash', ['--norc', '--noprofile', '-c', driver, 'driver', file], { env: hostileEnv() });
  assert.equal(result.code, 0, result.stderr);
  const [words, prefixed] = result.stdout.split('---\n');
  assert.deepEqual(words!.trim().split('\n').sort(), ['default', 'legacy', ...HOSTILE()].sort());
  assert.equal(prefixed!.trim(), `\\$\\(touch\\ ${marker(1).replace(/([/-])/g, '$1')}\\)`);
  assertNothingRan();
});

test('zsh: hostile profile names complete quoted, and nothing in them runs', async () => {
  const file = await script('zsh');
  const saved = env;
  env = hostileEnv();
  try {
    const lines = await zshComplete(`autoload -Uz compinit; compinit -u -D; source '${file}'`, ['rolegate exec \\$\\(', 'rolegate exec \\`', 'rolegate exec it', 'rolegate exec q', 'rolegate exec \\;']);
    assert.deepEqual(lines, [
      `[rolegate exec \\$\\(touch\\ ${marker(1)}\\) ]`,
      `[rolegate exec \\\`touch\\ ${marker(2)}\\\` ]`,
      "[rolegate exec it\\'s\\ here ]",
      '[rolegate exec q:colon ]',
      `[rolegate exec \\;touch\\ ${marker(3)} ]`,
    ]);
  } finally {
    env = saved;
  }
  assertNothingRan();
});

test('fish: hostile profile names are offered as they are, and nothing in them runs', async () => {
  const file = await script('fish');
  const result = await run('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', file, 'rolegate exec '], { env: hostileEnv() });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.split('\n').filter(Boolean).sort(), ['default', 'legacy', ...HOSTILE()].sort());
  assertNothingRan();
});

// ---- the command itself ----

test('completion without a shell, or with an unknown one, is bad input (exit 2) and says what to type', async () => {
  const none = await rolegate(['completion'], { env });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /bash, zsh, fish/);
  const tcsh = await rolegate(['completion', 'tcsh'], { env });
  assert.equal(tcsh.code, 2);
  assert.match(tcsh.stderr, /Allowed choices are bash, zsh, fish/);
});

test('--profiles honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, and prints nothing without files', async () => {
  const listed = await rolegate(['completion', '--profiles'], { env });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(listed.stdout.trim().split('\n').sort(), ['admin', 'default', 'legacy', 'work-admin']);
  const empty = await rolegate(['completion', '--profiles'], {
    env: { ...env, AWS_CONFIG_FILE: join(box.home, 'missing-config'), AWS_SHARED_CREDENTIALS_FILE: join(box.home, 'missing-credentials') },
  });
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, '');
});
