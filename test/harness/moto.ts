import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { after, before, beforeEach } from 'node:test';
import { motoLauncher, venvBin } from './paths.js';
import { startStrictAws, type StrictAws } from './strictAws.js';
import { resetTotpClock, totpNow } from './totpClock.js';
import type { ConsistencyLag } from './strictConsistency.js';

/** moto's default account: every ARN in a test names it. */
export const ACCOUNT_ID = '123456789012';

export interface LoggedRequest {
  service: string | null;
  action: string | null;
  access_key: string | null;
  path: string;
  /** The strict layer's refusal (its AWS error code), when it refused the request. */
  refused?: string;
}

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Wipes every backend (moto's reset API): call between tests. Also clears the request log. */
  reset(): Promise<void>;
  /** Turns moto's access control on after `count` more requests (moto's reset-auth API). */
  enableAccessControl(count?: number): Promise<void>;
  /** Turns access control off again. */
  disableAccessControl(): Promise<void>;
  requests(): Promise<LoggedRequest[]>;
  clearRequests(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a moto server for this test process on 127.0.0.1 and a free port. The server watches its
 * stdin, so it also ends when this process dies without running `stop()`.
 */
export async function startMoto(): Promise<MotoServer> {
  const zygote = process.env[MOTO_ZYGOTE_VARIABLE];
  if (zygote) return startForkedMoto(zygote);
  const child = spawn(join(venvBin, 'python'), [motoLauncher], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
    },
  });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`moto did not start in 60 s: ${stderr}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto exited with ${code}: ${stderr}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const { post, ...calls } = harnessCalls(endpoint);
  return {
    endpoint,
    port,
    async reset() {
      await post('/moto-api/reset');
      await post('/moto-api/reset-auth', 'inf');
      await post('/_harness/requests/clear');
    },
    ...calls,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      running.delete(child);
    },
  };
}

/** What every moto server of the harness answers besides AWS: access control and the request log. */
function harnessCalls(endpoint: string) {
  const post = async (path: string, body = '') => {
    const response = await fetch(endpoint + path, { method: 'POST', body });
    if (!response.ok) throw new Error(`moto ${path}: HTTP ${response.status}`);
  };
  return {
    post,
    enableAccessControl: (count = 0) => post('/moto-api/reset-auth', String(count)),
    disableAccessControl: () => post('/moto-api/reset-auth', 'inf'),
    async requests() {
      const response = await fetch(endpoint + '/_harness/requests');
      return (await response.json()) as LoggedRequest[];
    },
    clearRequests: () => post('/_harness/requests/clear'),
  };
}

/** The unix socket of the test run's moto zygote (moto_launcher.py --zygote), set by scripts/run-tests.mjs. */
export const MOTO_ZYGOTE_VARIABLE = 'ROLEGATE_TEST_MOTO_ZYGOTE';

/**
 * A moto server forked from the run's warm zygote: the same server, started without importing
 * moto again; `reset()` swaps in a fresh fork on the same port instead of asking moto to rebuild
 * its backends. The server ends when this process closes the connection or dies.
 */
async function startForkedMoto(socketPath: string): Promise<MotoServer> {
  const conn = connect(socketPath);
  conn.on('error', () => {}); // a failure shows as the connection's close, below
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let closed = false;
  const lines = createInterface({ input: conn });
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  const gone = new Promise<void>((resolve) =>
    conn.once('close', () => {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error(`the moto zygote (${socketPath}) closed the connection`));
      resolve();
    }),
  );
  const answer = () =>
    new Promise<string>((resolve, reject) => {
      if (closed) reject(new Error(`the moto zygote (${socketPath}) closed the connection`));
      else waiting.push({ resolve, reject });
    });
  const timer = setTimeout(() => conn.destroy(), 60_000);
  const port = (JSON.parse(await answer()) as { port: number }).port;
  clearTimeout(timer);
  const endpoint = `http://127.0.0.1:${port}`;
  const { post: _post, ...calls } = harnessCalls(endpoint); // reset() is the zygote's, not moto's
  return {
    endpoint,
    port,
    async reset() {
      // a fresh server: empty backends, access control off, an empty request log
      const reply = answer();
      conn.write('reset\n');
      if ((await reply) !== 'ok') throw new Error('the moto zygote did not reset the server');
    },
    ...calls,
    async stop() {
      conn.end();
      await gone;
    },
  };
}

export interface SharedMotoServer extends MotoServer {
  /** moto itself, without the strict layer: only for a test whose name says why it needs moto bare. */
  readonly motoEndpoint: string;
  /** Turns on IAM's eventual consistency in the strict layer (strictConsistency.ts) until the next reset. */
  setConsistency(lag: Partial<ConsistencyLag>): void;
  /** Resolves once the server listens. Node 20 runs a file's top-level `before` hooks at once,
   * without waiting for earlier ones, so a `before` that needs the server awaits this first. */
  started(): Promise<MotoServer>;
}

/**
 * moto behind the strict AWS layer (strictAws.ts): `endpoint`, `port`, `requests()` and `reset()`
 * are the layer's, so every test meets the rules AWS enforces and moto skips. The request log is the
 * layer's too, refused requests included. `motoEndpoint` reaches moto bare.
 */
async function startStrictMoto(): Promise<MotoServer & { motoEndpoint: string; setConsistency(lag: Partial<ConsistencyLag>): void }> {
  const moto = await startMoto();
  let layer: StrictAws;
  try {
    layer = await startStrictAws({ upstream: moto.endpoint, totpNow });
  } catch (error) {
    await moto.stop();
    throw error;
  }
  return {
    endpoint: layer.endpoint,
    port: layer.port,
    motoEndpoint: moto.endpoint,
    setConsistency: (lag) => layer.setConsistency(lag),
    async reset() {
      await moto.reset();
      layer.reset();
      resetTotpClock();
    },
    enableAccessControl: (count?: number) => moto.enableAccessControl(count),
    disableAccessControl: () => moto.disableAccessControl(),
    requests: async () => layer.requests(),
    async clearRequests() {
      layer.clearRequests();
      await moto.clearRequests();
    },
    async stop() {
      await layer.close();
      await moto.stop();
      resetTotpClock();
    },
  };
}

/**
 * The life of a moto server (behind the strict layer) in a test file: started before the first
 * test, reset before each test (so no test sees another's state), stopped after the last. Call it
 * at the top of the file.
 */
export function useMotoServer(): SharedMotoServer {
  let server: Awaited<ReturnType<typeof startStrictMoto>> | undefined;
  let markStarted: (server: MotoServer) => void = () => {};
  const starting = new Promise<MotoServer>((resolve) => (markStarted = resolve));
  const current = (): Awaited<ReturnType<typeof startStrictMoto>> => {
    if (!server) throw new Error('the moto server is used outside a test or hook');
    return server;
  };
  before(async () => {
    server = await startStrictMoto();
    markStarted(server);
  });
  beforeEach(async () => {
    await current().reset();
  });
  after(async () => {
    await server?.stop();
  });
  return {
    started: () => starting,
    get endpoint() {
      return current().endpoint;
    },
    get motoEndpoint() {
      return current().motoEndpoint;
    },
    get port() {
      return current().port;
    },
    reset: () => current().reset(),
    enableAccessControl: (count?: number) => current().enableAccessControl(count),
    disableAccessControl: () => current().disableAccessControl(),
    requests: () => current().requests(),
    clearRequests: () => current().clearRequests(),
    setConsistency: (lag) => current().setConsistency(lag),
    stop: () => current().stop(),
  };
}
