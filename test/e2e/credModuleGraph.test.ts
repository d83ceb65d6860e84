import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeSandbox, type Sandbox } from '../harness/sandbox.js';
import { useMotoServer } from '../harness/moto.js';
import { run } from '../harness/run.js';
import { loadedModules, ownModules } from '../harness/moduleLog.js';
import { tscRolegateBin as rolegateBin } from '../harness/paths.js';
import { deleteSessionEntry, roleEntryName, writeSessionEntry } from '../../src/cache/sessionCache.js';
import { shortcutFile } from '../../src/cache/credentialProcessShortcut.cjs';
import { endpointNoteFile } from '../../src/cache/endpointNote.cjs';
import { leaderFile } from '../../src/files/refreshLeader.cjs';
import { MFA_SERIAL, ROLE_ARN, useCredAccount } from './credFixture.js';
import { credentialProcessCommand } from '../../src/credentials/credentialProcessCommand.js';

const FORBIDDEN =
  /node_modules|\/src\/prompt\/|\/src\/aws\/|resolveCredentials|keyStore|KeyStore|refreshLock|\/cli\/program\.js|\/cli\/commands\.js|\/cli\/output\.js/;

test('credential-process answered from the cache loads no SDK, keyring, prompt, commander or refresh module', async () => {
  const box = makeSandbox();
  try {
    const expiration = new Date(Date.now() + 3600_000);
    const credentials = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'cached-secret', sessionToken: 'cached-token', expiration };
    const base = { version: 1 as const, mfaSerial: MFA_SERIAL, createdAt: new Date().toISOString(), credentials };
    await writeSessionEntry('session-default', { ...base, kind: 'session', profile: 'default' }, box.env);
    await writeSessionEntry('role-admin', { ...base, kind: 'role', profile: 'admin', roleArn: ROLE_ARN }, box.env);
    writeFileSync(
      box.configFile,
      `[default]\ncredential_process = ${credentialProcessCommand('default')}\nmfa_serial = ${MFA_SERIAL}\n\n` +
        `[profile admin]\ncredential_process = ${credentialProcessCommand('admin')}\nrolegate_role_arn = ${ROLE_ARN}\nrolegate_source_profile = default\nmfa_serial = ${MFA_SERIAL}\n`,
    );
    // first call: the full cache lookup (config parser, profile logic), in ES modules
    const full = await loadedModules(['credential-process', 'admin'], box.env, box.home);
    assert.equal(full.result.code, 0, full.result.stderr);
    assert.equal(JSON.parse(full.result.stdout).AccessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    assert.ok(full.modules.some((m) => m.endsWith('/src/cli/credentialProcess.js')), 'the hook saw the ES modules load');
    assert.deepEqual(full.modules.filter((m) => FORBIDDEN.test(m)), [], 'full lookup');
    const own = [...new Set(full.modules.filter((m) => m.startsWith('file:')))];
    // the sources layer (dispatch.js, rolegateSource.js), the SSO and console sign-in spec readers,
    // and the role's chain and duration (roleChain.js, apart so the note's role refresh skips the parser)
    assert.ok(own.length <= 29, `full lookup: credential-process loaded ${own.length} modules:\n${own.join('\n')}`);

    // second call: the shortcut the first one left, answered by the CommonJS entry alone
    const fast = await loadedModules(['credential-process', 'admin'], box.env, box.home);
    assert.equal(fast.result.code, 0, fast.result.stderr);
    assert.equal(JSON.parse(fast.result.stdout).AccessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    const esm = fast.modules.filter((m) => m.startsWith('file:') && !m.endsWith('/register.mjs') && !m.endsWith('/main.cjs'));
    assert.deepEqual(esm, [], 'no ES module of ours loads on a cache hit');
    assert.deepEqual(commonJs(fast.modules), CACHE_HIT_MODULES);
  } finally {
    box.cleanup();
  }
});

/** The CommonJS files of ours a run loaded, as paths under src/. */
const commonJs = (modules: string[]) => modules.filter((m) => m.startsWith('cjs:')).map((m) => m.replace(/^cjs:.*\/src\//, 'src/')).sort();
/** The fast path's modules, shared by credential-process, env and exec --env-only. */
const CACHE_HIT_MODULES = [
  'src/cache/credentialProcessShortcut.cjs',
  'src/cache/temporaryCredentials.cjs',
  'src/cli/fromCache.cjs',
  'src/cli/main.cjs',
  'src/cli/writeOut.cjs',
  'src/config/defaultProfile.cjs',
  'src/files/checkedFile.cjs',
  'src/files/rolegatePaths.cjs',
];
const ownEsm = (modules: string[]) => modules.filter((m) => m.startsWith('file:') && !m.endsWith('/register.mjs') && !m.endsWith('/main.cjs') && !m.endsWith('.cjs'));

/** A store-layout admin profile whose MFA session and role credentials are cached (the hour after a refresh). */
async function cachedRole(box: Sandbox) {
  const expiration = new Date(Date.now() + 3600_000);
  const base = { version: 1 as const, mfaSerial: MFA_SERIAL, createdAt: new Date().toISOString() };
  await writeSessionEntry('session-default', { ...base, kind: 'session', profile: 'default', credentials: { accessKeyId: 'ASIASESSIONEXAMPLE', secretAccessKey: 'session-secret', sessionToken: 'session-token', expiration: new Date(Date.now() + 12 * 3600_000) } }, box.env);
  await writeSessionEntry('role-admin', { ...base, kind: 'role', profile: 'admin', roleArn: ROLE_ARN, credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'cached-secret', sessionToken: 'cached-token', expiration } }, box.env);
  writeFileSync(
    box.configFile,
    `[default]\nregion = eu-west-1\ncredential_process = ${credentialProcessCommand('default')}\nmfa_serial = ${MFA_SERIAL}\n\n` +
      `[profile admin]\nregion = eu-west-1\ncredential_process = ${credentialProcessCommand('admin')}\nrolegate_role_arn = ${ROLE_ARN}\nrolegate_source_profile = default\nmfa_serial = ${MFA_SERIAL}\n`,
  );
}

/** Runs the same command on the full path (no shortcut note) and then on the fast path (the note the full run left). */
async function fullThenFast(box: Sandbox, args: string[], env: NodeJS.ProcessEnv = box.env) {
  rmSync(shortcutFile('admin', env), { force: true });
  rmSync(endpointNoteFile('admin', env), { force: true });
  const full = await loadedModules(args, env, box.home);
  const fast = await loadedModules(args, env, box.home);
  return { full, fast };
}

const minutesLeft = (text: string) => text.replace(/\(in \d+h\d+m\)|\(in \d+m\)/, '(in …)');

test('env and exec --env-only answered from the cache load only the fast path\'s CommonJS modules, and print what the full path prints', async () => {
  const box = makeSandbox();
  try {
    await cachedRole(box);
    for (const format of ['bash', 'fish', 'powershell', 'dotenv', 'json']) {
      const { full, fast } = await fullThenFast(box, ['env', 'admin', '--format', format]);
      assert.equal(full.result.code, 0, full.result.stderr);
      assert.ok(full.modules.some((m) => m.endsWith('/src/cli/program.js')), `${format}: the first run took the full path`);
      assert.equal(fast.result.code, 0, fast.result.stderr);
      assert.deepEqual(ownEsm(fast.modules), [], `${format}: no ES module of ours on the fast path`);
      assert.deepEqual(commonJs(fast.modules), [...CACHE_HIT_MODULES, 'src/cli/envFormat.cjs'].sort(), format);
      assert.equal(fast.result.stdout, full.result.stdout, `${format}: the same variables`);
      assert.equal(minutesLeft(fast.result.stderr), minutesLeft(full.result.stderr), `${format}: the same note on stderr`);
    }
    // the default profile from AWS_PROFILE, the format from $SHELL, and the variables env unsets
    const env = { ...box.env, AWS_PROFILE: 'admin', SHELL: '/usr/bin/zsh' };
    const { full, fast } = await fullThenFast(box, ['env'], env);
    assert.deepEqual(ownEsm(fast.modules), []);
    assert.equal(fast.result.stdout, full.result.stdout);
    assert.match(fast.result.stdout, /^unset AWS_PROFILE AWS_DEFAULT_PROFILE\nexport AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE'\n/);
    assert.match(fast.result.stdout, /export AWS_REGION='eu-west-1'\n[^]*export ROLEGATE_PROFILE='admin'\n/);

    // exec --env-only: the child's whole environment is the same on both paths
    const exec = await fullThenFast(box, ['exec', 'admin', '--env-only', '--', 'env']);
    assert.equal(exec.full.result.code, 0, exec.full.result.stderr);
    assert.ok(exec.full.modules.some((m) => m.endsWith('/src/cli/exec.js')), 'the first run took the full path');
    assert.deepEqual(ownEsm(exec.fast.modules), [], 'no ES module of ours on the fast path');
    assert.deepEqual(commonJs(exec.fast.modules), [...CACHE_HIT_MODULES, 'src/childEnv.cjs', 'src/cli/execChild.cjs'].sort());
    const lines = (text: string) => text.split('\n').filter(Boolean).sort();
    assert.deepEqual(lines(exec.fast.result.stdout), lines(exec.full.result.stdout));
    assert.ok(lines(exec.fast.result.stdout).includes('AWS_SESSION_TOKEN=cached-token'));
  } finally {
    box.cleanup();
  }
});

/** In the child: the endpoint's answer, the config it reads, and its environment (the endpoint's random URL and token masked). */
const ENDPOINT_CHILD = `
const env = { ...process.env };
fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN } })
  .then((r) => r.json())
  .then((answer) => {
    const config = env.AWS_CONFIG_FILE ? require('fs').readFileSync(env.AWS_CONFIG_FILE, 'utf8') : '(the person\\'s own)';
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI = env.AWS_CONTAINER_CREDENTIALS_FULL_URI.replace(/:\\d+\\/rolegate\\/[0-9a-f]+$/, ':PORT/rolegate/PATH');
    env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'TOKEN';
    if (env.AWS_CONFIG_FILE) env.AWS_CONFIG_FILE = 'COPY';
    console.log(JSON.stringify({ answer, config, env: Object.keys(env).sort().map((k) => k + '=' + env[k]) }));
  });`;

test('exec with the endpoint answered from the cache loads no ES module, commander or config parser, and hands the command what the full path hands it', async () => {
  const box = makeSandbox();
  try {
    await cachedRole(box);
    const args = ['exec', 'admin', '--', process.execPath, '-e', ENDPOINT_CHILD];
    const { full, fast } = await fullThenFast(box, args);
    assert.equal(full.result.code, 0, full.result.stderr);
    assert.ok(full.modules.some((m) => m.endsWith('/src/cli/exec.js')), 'the first run took the full path');
    assert.equal(fast.result.code, 0, fast.result.stderr);
    assert.deepEqual(ownEsm(fast.modules), [], 'no ES module of ours on the fast path');
    assert.deepEqual(
      commonJs(fast.modules),
      [...CACHE_HIT_MODULES, 'src/childEnv.cjs', 'src/cli/execChild.cjs', 'src/cli/execEndpointFromCache.cjs', 'src/cache/endpointNote.cjs', 'src/credentials/containerEndpoint.cjs'].sort(),
    );
    const fullChild = JSON.parse(full.result.stdout) as { answer: { AccessKeyId: string }; config: string; env: string[] };
    assert.equal(fullChild.answer.AccessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    assert.match(fullChild.config, /\[profile admin\]/);
    assert.doesNotMatch(fullChild.config, /^\[default\][^[]*credential_process/m, 'the copy has no [default] credentials');
    assert.deepEqual(JSON.parse(fast.result.stdout), fullChild, 'the same answer, config and environment');
    assert.equal(fast.result.stderr, full.result.stderr);
    // an edited config: the note no longer matches, the full path runs again
    writeFileSync(box.configFile, readFileSync(box.configFile, 'utf8') + '\n# edited\n');
    const edited = await loadedModules(args, box.env, box.home);
    assert.equal(edited.result.code, 0, edited.result.stderr);
    assert.ok(ownEsm(edited.modules).length > 0, 'an edited config takes the full path');
  } finally {
    box.cleanup();
  }
});

test('in a burst, a process that misses while another one leads the refresh waits in the fast path and answers from the note the leader leaves', async () => {
  const box = makeSandbox();
  try {
    await cachedRole(box);
    // this test process stands for the leader: its marker names a live process
    const marker = leaderFile('admin', box.env);
    mkdirSync(dirname(marker), { recursive: true, mode: 0o700 });
    writeFileSync(marker, JSON.stringify({ pid: process.pid, created: Date.now() }));
    const waiter = loadedModules(['credential-process', 'admin'], box.env, box.home);
    let ended = false;
    void waiter.then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(ended, false, 'the waiter waits while the leader lives and no note serves it');
    // the leader's full path (a flag the fast path does not take) leaves the note, then ends
    const leader = await run(process.execPath, [rolegateBin, 'credential-process', 'admin', '--debug'], { env: box.env });
    assert.equal(leader.code, 0, leader.stderr);
    const { result, modules } = await waiter;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).AccessKeyId, 'ASIAIOSFODNN7EXAMPLE');
    assert.match(result.stderr, new RegExp(`waiting for another rolegate process \\(pid ${process.pid}\\)`));
    assert.deepEqual(ownEsm(modules), [], 'no ES module of ours: it never took the full path');
    assert.deepEqual(commonJs(modules), [...CACHE_HIT_MODULES, 'src/files/refreshLeader.cjs'].sort());
    rmSync(marker);
    // a marker whose process is gone: the next miss leads (full path), and removes its marker on exit
    writeFileSync(marker, JSON.stringify({ pid: 2 ** 22 + 1, created: Date.now() }));
    rmSync(shortcutFile('admin', box.env));
    const next = await loadedModules(['credential-process', 'admin'], box.env, box.home);
    assert.equal(next.result.code, 0, next.result.stderr);
    assert.ok(ownEsm(next.modules).length > 0, 'took the full path at once');
    assert.equal(existsSync(marker), false, 'the leader removed its marker');
  } finally {
    box.cleanup();
  }
});

/** A sandbox with cachedRole and the shortcut note a first (full) env run leaves, removed after `use`. */
async function withShortcutNote(use: (box: Sandbox) => Promise<void>) {
  const box = makeSandbox();
  try {
    await cachedRole(box);
    const first = await run(process.execPath, [rolegateBin, 'env', 'admin'], { env: box.env });
    assert.equal(first.code, 0, first.stderr);
    await use(box);
  } finally {
    box.cleanup();
  }
}

test('exec --env-only on the fast path passes the exit status, the signal and "command not found" through', () =>
  withShortcutNote(async (box) => {
    const status = await loadedModules(['exec', 'admin', '--env-only', '--', 'sh', '-c', 'exit 7'], box.env, box.home);
    assert.deepEqual(ownEsm(status.modules), [], 'the fast path ran');
    assert.equal(status.result.code, 7);
    const killed = await run(process.execPath, [rolegateBin, 'exec', 'admin', '--env-only', '--', 'sh', '-c', 'kill -TERM $$'], { env: box.env });
    assert.equal(killed.signal, 'SIGTERM', 'rolegate dies of the signal its command died of');
    const missing = await run(process.execPath, [rolegateBin, 'exec', 'admin', '--env-only', '--', 'no-such-command-here'], { env: box.env });
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /command not found: no-such-command-here/);
  }));

test('what the fast path does not handle takes the full path: other flags, the endpoint, nested credentials, too little time left', () =>
  withShortcutNote(async (box) => {
    const takesFullPath = async (args: string[], env: NodeJS.ProcessEnv = box.env) => {
      const { result, modules } = await loadedModules(args, env, box.home);
      assert.ok(ownEsm(modules).length > 0, `${args.join(' ')} took the full path`);
      return result;
    };
    const duration = await takesFullPath(['env', 'admin', '--duration', '2h']);
    assert.equal(duration.code, 0, duration.stderr);
    assert.match(duration.stdout, /AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE'/);
    const badFormat = await takesFullPath(['env', 'admin', '--format', 'tcsh']);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /unknown format tcsh/);
    const twoProfiles = await takesFullPath(['exec', 'admin', 'default', '--env-only']);
    assert.equal(twoProfiles.code, 2);
    const stray = await takesFullPath(['exec', 'admin', '--env-only', '-x', '--', 'true']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /unknown exec option -x/);
    const nested = await takesFullPath(['exec', 'admin', '--env-only', '--', 'true'], { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' });
    assert.equal(nested.code, 2);
    assert.match(nested.stderr, /refusing to nest/);
    const help = await takesFullPath(['env', '--help']);
    assert.equal(help.code, 0);
    // the endpoint (exec's default) is served by the full path until a full run left its note
    const endpoint = await takesFullPath(['exec', 'admin', '--', 'sh', '-c', 'test -n "$AWS_CONTAINER_CREDENTIALS_FULL_URI"']);
    assert.equal(endpoint.code, 0, endpoint.stderr);
    const flagged = await takesFullPath(['exec', 'admin', '--duration', '2h', '--', 'true']);
    assert.equal(flagged.code, 0, flagged.stderr);
    // 35 minutes left: enough for credential-process (15), not for env and exec (40); the full path
    // would refresh, which needs AWS, so here it fails where the fast path would have answered
    await writeSessionEntry('role-admin', {
      version: 1, kind: 'role', profile: 'admin', roleArn: ROLE_ARN, mfaSerial: MFA_SERIAL, createdAt: new Date(Date.now() - 25 * 60_000).toISOString(),
      credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'cached-secret', sessionToken: 'cached-token', expiration: new Date(Date.now() + 35 * 60_000) },
    }, box.env);
    const served = await loadedModules(['credential-process', 'admin'], box.env, box.home);
    assert.deepEqual(ownEsm(served.modules), [], 'credential-process still answers from the note');
    const tooShort = await takesFullPath(['env', 'admin'], { ...box.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    assert.notEqual(tooShort.code, 0);
    assert.doesNotMatch(tooShort.stdout, /ASIAIOSFODNN7EXAMPLE/);
  }));

/** Every module of ours the hourly role refresh loads without a note: the full lookup's, the chain, the lock and the STS sender. */
const ROLE_REFRESH_FULL_MODULES = [
  'src/aws/callSettings.js',
  'src/aws/networkErrors.js',
  'src/aws/partition.js',
  'src/aws/queryRequest.js',
  'src/aws/retryPolicy.js',
  'src/aws/signatureV4.js',
  'src/aws/stsQuery.js',
  'src/cache/awsCliCache.js',
  'src/cache/cachedCredentials.js',
  'src/cache/credentialProcessShortcut.cjs',
  'src/cache/sessionCache.js',
  'src/cache/sha1.js',
  'src/cache/temporaryCredentials.cjs',
  'src/cli/credentialProcess.js',
  'src/cli/fromCache.cjs',
  'src/cli/main.cjs',
  'src/cli/writeOut.cjs',
  'src/config/defaultProfile.cjs',
  'src/config/iniDocument.js',
  'src/config/loginSpec.js',
  'src/config/profileMap.js',
  'src/config/profileSpec.js',
  'src/config/profiles.js',
  'src/config/pythonText.js',
  'src/config/roleChain.js',
  'src/config/sharedFilePaths.js',
  'src/config/sharedFileText.js',
  'src/config/shlexSplit.js',
  'src/config/ssoSpec.js',
  'src/credentials/duration.js',
  'src/credentials/resolveCredentials.js',
  'src/credentials/roleCredentials.js',
  'src/credentials/stsErrors.js',
  'src/credentials/testHooks.js',
  'src/files/atomicFile.js',
  'src/files/checkedFile.cjs',
  'src/files/fileLock.js',
  'src/files/privateFile.js',
  'src/files/refreshLeader.cjs',
  'src/files/refreshLock.js',
  'src/files/rolegatePaths.cjs',
  'src/shellQuote.js',
  'src/sources/dispatch.js',
  'src/sources/lookupOrRefresh.js',
  'src/sources/rolegateSource.js',
  'src/userError.js',
];

/**
 * What the hourly role refresh loads when the shortcut note records the role (cli/roleRefresh.ts):
 * no config parser, profile logic, sources, credential-process's full path or chain beyond the role link.
 */
const ROLE_REFRESH_MODULES = [
  'src/aws/callSettings.js',
  'src/aws/networkErrors.js',
  'src/aws/partition.js',
  'src/aws/queryRequest.js',
  'src/aws/retryPolicy.js',
  'src/aws/signatureV4.js',
  'src/aws/stsQuery.js',
  'src/cache/awsCliCache.js',
  'src/cache/cachedCredentials.js',
  'src/cache/credentialProcessShortcut.cjs',
  'src/cache/sessionCache.js',
  'src/cache/sha1.js',
  'src/cache/temporaryCredentials.cjs',
  'src/cli/fromCache.cjs',
  'src/cli/main.cjs',
  'src/cli/roleRefresh.js',
  'src/cli/writeOut.cjs',
  'src/config/defaultProfile.cjs',
  'src/config/roleChain.js',
  'src/credentials/roleCredentials.js',
  'src/credentials/stsErrors.js',
  'src/credentials/testHooks.js',
  'src/files/atomicFile.js',
  'src/files/checkedFile.cjs',
  'src/files/fileLock.js',
  'src/files/privateFile.js',
  'src/files/refreshLeader.cjs',
  'src/files/refreshLock.js',
  'src/files/rolegatePaths.cjs',
  'src/shellQuote.js',
  'src/userError.js',
];

describe('against moto', () => {
  const moto = useMotoServer();
  let box: Sandbox;
  useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => (box = made.box));

  test('the hourly role refresh (MFA session cached) loads no SDK, commander, IAM client, key store or MFA prompt: its STS call is signed and sent with Node\'s own modules', async () => {
    const first = await run(process.execPath, [rolegateBin, 'credential-process', 'admin'], { env: box.env });
    assert.equal(first.code, 0, first.stderr);
    const refreshed = new Set([JSON.parse(first.stdout).AccessKeyId as string]);
    // the note the first run left records the role: the refresh starts from it
    for (const [note, expected] of [['kept', ROLE_REFRESH_MODULES], ['removed', ROLE_REFRESH_FULL_MODULES]] as const) {
      await deleteSessionEntry(roleEntryName('admin'), box.env);
      if (note === 'removed') rmSync(shortcutFile('admin', box.env));
      await moto.clearRequests();
      const refresh = await loadedModules(['credential-process', 'admin'], box.env, box.home);
      assert.equal(refresh.result.code, 0, refresh.result.stderr);
      assert.equal(refresh.result.stderr, '', note);
      const served = JSON.parse(refresh.result.stdout).AccessKeyId as string;
      assert.ok(!refreshed.has(served), `${note}: new role credentials`);
      refreshed.add(served);
      const actions = (await moto.requests()).map((r) => r.action);
      assert.deepEqual(actions, ['AssumeRole'], `${note}: one STS call, no MFA session`);
      assert.deepEqual(refresh.modules.filter((m) => /node_modules/.test(m)), [], 'no SDK (@aws-sdk, @smithy), keyring or commander');
      assert.deepEqual(ownModules(refresh.modules), expected, `the note ${note}`);
    }
  });
});
