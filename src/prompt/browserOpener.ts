/**
 * Opens the sign-in URL in the person's browser without putting it on any command line (argv is
 * visible to every user in `ps`): rolegate serves a one-time redirect on 127.0.0.1 at a random path
 * and hands the opener (xdg-open, open, start) only that loopback address. The first request for
 * it gets a 302 to the sign-in URL (the secure redirect AWS recommends) and the server closes. On
 * Linux the request must come from a process of this same user (the socket's owner in
 * /proc/net/tcp); elsewhere the link is single-use and short-lived, but its caller is not checked.
 * No file holding the URL is written, and a browser in a sandbox (snap, flatpak) can still reach it.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { UserError } from '../userError.js';

/** How long the browser has to ask for the redirect. */
export const BROWSER_WAIT_MS = 120_000;

export interface Opener {
  file: string;
  args: (url: string) => string[];
}

/** The platform's openers, in the order they are tried. */
export function openers(platform: NodeJS.Platform = process.platform): Opener[] {
  if (platform === 'darwin') return [{ file: 'open', args: (url) => [url] }];
  if (platform === 'win32') return [{ file: 'rundll32', args: (url) => ['url.dll,FileProtocolHandler', url] }];
  return [
    { file: 'xdg-open', args: (url) => [url] },
    { file: 'gio', args: (url) => ['open', url] },
  ];
}

async function spawnOpener(list: Opener[], url: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { spawn } = await import('node:child_process');
  const { childEnv } = await import('../childEnv.cjs');
  for (const opener of list) {
    const started = await new Promise<boolean>((resolve) => {
      const child = spawn(opener.file, opener.args(url), { env: childEnv(env), stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    });
    if (started) return opener.file;
  }
  throw new UserError(`no program to open a browser was found (tried ${list.map((o) => o.file).join(', ')})`, {
    next: 'run `rolegate login PROFILE --stdout` and open the URL it prints yourself',
  });
}

/**
 * Serves the redirect, starts the opener, and resolves once the browser has fetched it. Rejects
 * (and closes) after `waitMs` without a fetch.
 */
export async function openInBrowser(signinUrl: string, options: { env: NodeJS.ProcessEnv; waitMs?: number; openerList?: Opener[] }): Promise<{ opener: string }> {
  const { createServer } = await import('node:http');
  const { loopbackClientUid } = await import('./loopbackPeer.js');
  const path = `/${randomBytes(24).toString('base64url')}`;
  const sameUser = process.platform === 'linux' && typeof process.getuid === 'function' ? process.getuid() : undefined;
  let served!: () => void;
  const done = new Promise<void>((resolve) => (served = resolve));
  let used = false;
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (used || request.url !== path) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      if (sameUser !== undefined) {
        const uid = await loopbackClientUid(request.socket.remotePort ?? -1, (server.address() as { port: number }).port);
        if (uid !== sameUser) {
          response.writeHead(403, { 'content-type': 'text/plain' }).end('this sign-in link belongs to another user\n');
          return;
        }
      }
      if (used) return void response.writeHead(404).end();
      used = true;
      response.once('finish', served);
      response.writeHead(302, { location: signinUrl, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', connection: 'close' }).end();
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const local = `http://127.0.0.1:${(server.address() as { port: number }).port}${path}`;
  const waitMs = options.waitMs ?? BROWSER_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const opener = await spawnOpener(options.openerList ?? openers(), local, options.env);
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
    if ((await Promise.race([done, timedOut])) === 'timeout') {
      throw new UserError(`the browser did not open the sign-in page within ${Math.round(waitMs / 1000)} s (opened with ${opener})`, {
        next: 'run `rolegate login PROFILE --stdout` and open the URL it prints yourself',
      });
    }
    return { opener };
  } finally {
    clearTimeout(timer);
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
