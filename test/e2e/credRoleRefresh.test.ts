// The hourly role refresh started from the shortcut note (cli/roleRefresh.ts): the MFA session is
// cached, the role's credentials are stale or gone. It must leave what the full path leaves (the
// answer, the role entry, the note, in the same formats and modes), make one AssumeRole for a burst,
// and hand every case it is not sure of to the full path before a request is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { useMotoServer } from '../harness/moto.js';
import type { Sandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';
import { loadedModules, ownModules } from '../harness/moduleLog.js';
import { mfaProcessRuns, useCredAccount, type Account } from './credFixture.js';
import { shortcutFile } from '../../src/cache/credentialProcessShortcut.cjs';
import { sessionCacheFile } from '../../src/files/rolegatePaths.cjs';
import { deleteSessionEntry } from '../../src/cache/sessionCache.js';

const moto = useMotoServer();
let box: Sandbox;
let account: Account;
useCredAccount(moto, { store: 'file', layout: 'store' }, (made) => ({ box, account } = made));

type Modules = string[];
/** The note's refresh ran and answered: roleRefresh.js loaded, credential-process's full path did not. */
const fromNote = (modules: Modules) => ownModules(modules).includes('src/cli/roleRefresh.js') && !ownModules(modules).includes('src/cli/credentialProcess.js');
const fullPath = (modules: Modules) => ownModules(modules).includes('src/cli/credentialProcess.js');

async function firstCall(): Promise<string> {
  const first = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(first.code, 0, first.stderr);
  return JSON.parse(first.stdout).AccessKeyId as string;
}

const roleEntry = () => sessionCacheFile('role-admin', box.env);

/** credential-process admin with the role entry gone (unless `keepEntry`), its modules and STS calls. */
async function refresh(env: NodeJS.ProcessEnv = box.env, options: { keepEntry?: boolean } = {}) {
  if (!options.keepEntry) await deleteSessionEntry('role-admin', box.env);
  await moto.clearRequests();
  const { result, modules } = await loadedModules(['credential-process', 'admin'], env, box.home);
  const actions = (await moto.requests()).map((r) => r.action).filter((a) => a === 'AssumeRole' || a === 'GetSessionToken');
  return { ...result, modules, actions };
}

/** A cache file rewritten in place of the old (as rolegate writes: a private file, renamed). */
function rewrite(path: string, edit: (entry: Record<string, any>) => void): void {
  const entry = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
  edit(entry);
  writeFileSync(`${path}.test-tmp`, JSON.stringify(entry), { mode: 0o600 });
  renameSync(`${path}.test-tmp`, path);
}

/** Rewrites an entry to expire `inMs` from now, issued `lifetimeMs` before that (so the 15-minute rule applies, not two thirds of a short lifetime). */
function expireIn(path: string, inMs: number, lifetimeMs: number): void {
  const expiration = Date.now() + inMs;
  rewrite(path, (entry) => {
    entry.Credentials.Expiration = new Date(expiration).toISOString();
    entry.createdAt = new Date(expiration - lifetimeMs).toISOString();
  });
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
/** The role entry without what changes from one AssumeRole to the next. */
function entryShape(path: string) {
  const entry = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
  const text = readFileSync(path, 'utf8');
  return { keys: Object.keys(entry), credentialKeys: Object.keys(entry.Credentials), ...entry, createdAt: '-', Credentials: '-', pretty: text.endsWith('}\n') && text.includes('\n  "'), mode: mode(path) };
}
/** The note without what changes from one AssumeRole to the next. */
function noteShape(): Record<string, any> {
  const note = JSON.parse(readFileSync(shortcutFile('admin', box.env), 'utf8')) as Record<string, any>;
  assert.ok(Math.abs(note.handout.lifetimeMs - 3600_000) < 120_000, `lifetime ${note.handout.lifetimeMs}`);
  return { ...note, accessKeyId: '-', handout: { ...note.handout, lifetimeMs: '-' }, requiredMs: '-', mode: mode(shortcutFile('admin', box.env)) };
}

test('the hourly role refresh starts from the note and leaves the answer, role entry and note the full path leaves', async () => {
  const first = await firstCall();
  assert.equal(mfaProcessRuns(account), 1);
  // the full path (no note), then the note's path, each after the role entry is gone
  rmSync(shortcutFile('admin', box.env));
  const full = await refresh();
  assert.equal(full.code, 0, full.stderr);
  assert.ok(fullPath(full.modules), 'without a note: the full path');
  const fullEntry = entryShape(roleEntry());
  const fullNote = noteShape();
  assert.ok(fullNote.refresh, 'the full path records the role in the note');
  const fast = await refresh();
  assert.equal(fast.code, 0, fast.stderr);
  assert.ok(fromNote(fast.modules), 'with the note: the note\'s path');
  assert.equal(fast.stderr, full.stderr);
  assert.equal(fast.stderr, '');
  const answers = [JSON.parse(full.stdout), JSON.parse(fast.stdout)] as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(answers[1]!), Object.keys(answers[0]!));
  assert.equal(answers[1]!.Version, 1);
  assert.equal(new Set([first, answers[0]!.AccessKeyId, answers[1]!.AccessKeyId]).size, 3, 'new role credentials each time');
  assert.deepEqual(entryShape(roleEntry()), fullEntry, 'the same role entry, format and mode');
  assert.equal(fullEntry.mode, '600');
  assert.deepEqual(noteShape(), fullNote, 'the same note');
  assert.deepEqual(full.actions, ['AssumeRole']);
  assert.deepEqual(fast.actions, ['AssumeRole']);
  assert.equal(mfaProcessRuns(account), 1, 'no new MFA code');
  // a stale entry (not a missing one) takes the same path, and the next call is a cache hit
  expireIn(roleEntry(), 5 * 60_000, 3600_000);
  const stale = await refresh(box.env, { keepEntry: true });
  assert.equal(stale.code, 0, stale.stderr);
  assert.ok(fromNote(stale.modules));
  assert.deepEqual(stale.actions, ['AssumeRole']);
  const hit = await runRolegate(['credential-process', 'admin'], { env: box.env });
  assert.equal(hit.stdout, stale.stdout, 'served from the entry the refresh wrote');
});

test('a burst of calls that all find the role entry gone: one AssumeRole, made by the note\'s path, and the same credentials for all', async () => {
  await firstCall();
  await deleteSessionEntry('role-admin', box.env);
  await moto.clearRequests();
  const CALLERS = 12;
  const runs = await Promise.all(
    Array.from({ length: CALLERS }, () => loadedModules(['credential-process', 'admin'], box.env, mkdtempSync(join(box.home, 'caller-')))),
  );
  for (const { result } of runs) assert.equal(result.code, 0, result.stderr);
  assert.equal(new Set(runs.map(({ result }) => JSON.parse(result.stdout).AccessKeyId)).size, 1, 'one set of credentials');
  const actions = (await moto.requests()).map((r) => r.action).filter((a) => a === 'AssumeRole' || a === 'GetSessionToken');
  assert.deepEqual(actions, ['AssumeRole']);
  // the leader refreshes from the note; the others wait for it in the fast path
  assert.equal(runs.filter(({ modules }) => fromNote(modules)).length, 1, 'one caller refreshed from the note');
  assert.equal(runs.filter(({ modules }) => fullPath(modules)).length, 0, 'none loaded the full path');
  assert.equal(mfaProcessRuns(account), 1);
});

test('what the note\'s path is not sure of goes to the full path, which gives its own result: a proxy, an MFA session near its end or stale, an old or incomplete note, an edited config, a damaged entry', async () => {
  await firstCall();
  const note = shortcutFile('admin', box.env);
  const session = sessionCacheFile('session-default', box.env);
  const served = new Set<string>();
  const expectFullPath = (what: string, run: Awaited<ReturnType<typeof refresh>>, actions: string[]) => {
    assert.equal(run.code, 0, `${what}: ${run.stderr}`);
    assert.ok(fullPath(run.modules), `${what}: the full path`);
    assert.deepEqual(run.actions, actions, what);
    const key = JSON.parse(run.stdout).AccessKeyId as string;
    assert.ok(!served.has(key), `${what}: new role credentials`);
    served.add(key);
  };

  // a proxy variable (here bypassed for the endpoint by NO_PROXY, so the full path succeeds)
  const proxied = await refresh({ ...box.env, HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' });
  expectFullPath('proxy', proxied, ['AssumeRole']);
  assert.equal(proxied.stderr, '');

  // the MFA session fresh for the full path, with under a minute of its freshness left: the full path signs with it
  expireIn(session, 15 * 60_000 + 30_000, 12 * 3600_000);
  const nearEnd = await refresh();
  expectFullPath('session near its end', nearEnd, ['AssumeRole']);
  assert.equal(mfaProcessRuns(account), 1, 'no new MFA code');

  // the MFA session stale: the full path gets a new one (one code) and assumes the role with it
  expireIn(session, 5 * 60_000, 12 * 3600_000);
  const staleSession = await refresh();
  expectFullPath('stale session', staleSession, ['GetSessionToken', 'AssumeRole']);
  assert.equal(mfaProcessRuns(account), 2, 'one new MFA code');

  // a note from before `refresh`, and one missing the role ARN
  rewrite(note, (n) => delete n.refresh);
  expectFullPath('old note', await refresh(), ['AssumeRole']);
  assert.ok(JSON.parse(readFileSync(note, 'utf8')).refresh, 'the full path wrote a note with the role');
  rewrite(note, (n) => delete n.refresh.roleArn);
  expectFullPath('note without the role ARN', await refresh(), ['AssumeRole']);

  // an edited config file: the note's stamps no longer match
  writeFileSync(box.configFile, `${readFileSync(box.configFile, 'utf8')}\n# edited\n`);
  expectFullPath('edited config', await refresh(), ['AssumeRole']);

  // a damaged role entry: the full path warns about it (its words) and refreshes
  writeFileSync(roleEntry(), '{"torn', { mode: 0o600 });
  const damaged = await refresh(box.env, { keepEntry: true });
  expectFullPath('damaged entry', damaged, ['AssumeRole']);
  assert.match(damaged.stderr, /warning: ignoring the damaged cache file/);

  // and with all of that behind, the note's path serves the next refresh again
  const again = await refresh();
  assert.equal(again.code, 0, again.stderr);
  assert.ok(fromNote(again.modules));
  assert.deepEqual(again.actions, ['AssumeRole']);
});

/** A stand-in STS (the refusals and failures are the point, not moto) answering every call with `status` and `body`; counts the calls. */
async function failingSts(status: number, body: string): Promise<{ server: Server; endpoint: string; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      calls.push(new URLSearchParams(Buffer.concat(chunks).toString()).get('Action') ?? '?');
      response.writeHead(status, { 'content-type': 'text/xml' });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, calls };
}

const stsErrorBody = (code: string, message: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>1</RequestId></ErrorResponse>`;

test('AssumeRole refused or failing (a stand-in STS): the note\'s path says what the full path says, with the same retries and exit code', async () => {
  await firstCall();
  const note = readFileSync(shortcutFile('admin', box.env), 'utf8');
  const cases: Array<[string, number, string]> = [
    ['refused', 403, stsErrorBody('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: sts:AssumeRole')],
    ['expired session', 403, stsErrorBody('ExpiredToken', 'The security token included in the request is expired')],
    ['server failure', 500, stsErrorBody('InternalFailure', 'An internal error occurred')],
  ];
  for (const [what, status, body] of cases) {
    const sts = await failingSts(status, body);
    try {
      const env = { ...box.env, AWS_ENDPOINT_URL_STS: sts.endpoint };
      writeFileSync(shortcutFile('admin', box.env), note, { mode: 0o600 });
      const fast = await refresh(env);
      assert.ok(fromNote(fast.modules), `${what}: the note's path answered`);
      const fastCalls = sts.calls.splice(0);
      rmSync(shortcutFile('admin', box.env));
      const full = await refresh(env);
      assert.ok(fullPath(full.modules), `${what}: the full path`);
      assert.notEqual(fast.code, 0, what);
      assert.equal(fast.code, full.code, what);
      assert.equal(fast.stdout, '');
      assert.equal(fast.stderr, full.stderr, what);
      assert.deepEqual(fastCalls, sts.calls, `${what}: the same calls (retries)`);
      assert.ok(fastCalls.every((a) => a === 'AssumeRole'));
    } finally {
      sts.server.close();
    }
  }
  // out of reach: the same words and exit code
  const env = { ...box.env, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' };
  writeFileSync(shortcutFile('admin', box.env), note, { mode: 0o600 });
  const fast = await refresh(env);
  assert.ok(fromNote(fast.modules));
  rmSync(shortcutFile('admin', box.env));
  const full = await refresh(env);
  assert.notEqual(fast.code, 0);
  assert.equal(fast.code, full.code);
  assert.equal(fast.stderr, full.stderr);
  assert.match(fast.stderr, /http:\/\/127\.0\.0\.1:9 refused the connection \(ECONNREFUSED\)/);
});
