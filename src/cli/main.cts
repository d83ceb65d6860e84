#!/usr/bin/env node
/**
 * Entry point. CommonJS on purpose: `credential-process` answered from the cache is the hot path
 * (every AWS call of every tool that uses a rolegate profile starts it), and an ES module entry
 * costs Node 2-3 ms of loader start-up before any of our code runs. A cache hit of
 * credential-process, env or exec --env-only (fromCache.cts) loads a few small CommonJS modules and
 * nothing else (bench/, test/e2e/credModuleGraph.test.ts); everything else is ESM, loaded with
 * import() when it is needed.
 */
import { answerFromCache, roleRefreshStart } from './fromCache.cjs';

/**
 * A reader that closes the pipe early (`rolegate --help | head`) is not an error of ours. The hook
 * goes on each stream when something first uses it: credential-process writes to the descriptors
 * (writeOut.cts), and making process.stdout's stream costs its run a few ms.
 */
function quietOnClosedPipe(name: 'stdout' | 'stderr'): void {
  const made = Object.getOwnPropertyDescriptor(process, name);
  const hook = (stream: NodeJS.WriteStream) => {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
    return stream;
  };
  if (!made?.get || !made.configurable) {
    hook(process[name]);
    return;
  }
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: made.enumerable,
    get() {
      const stream = hook(made.get!.call(process) as NodeJS.WriteStream);
      Object.defineProperty(process, name, { configurable: true, enumerable: made.enumerable, writable: false, value: stream });
      return stream;
    },
  });
}

async function main(args: string[]): Promise<number> {
  quietOnClosedPipe('stdout');
  quietOnClosedPipe('stderr');
  if (args[0] === 'credential-process') {
    // the hourly role refresh, from what the shortcut note records (roleRefresh.ts); undefined: the full path
    const start = roleRefreshStart(args, process.env);
    if (start) {
      const { refreshRoleFromNote } = await import('./roleRefresh.js');
      const code = await refreshRoleFromNote(start, process.env);
      if (code !== undefined) return code;
    }
    const { runCredentialProcess } = await import('./credentialProcess.js');
    return runCredentialProcess(args.slice(1));
  }
  const { runProgram } = await import('./program.js');
  return runProgram(process.argv);
}

const args = process.argv.slice(2);
const answered = answerFromCache(args, process.env);
const done = (code: number) => {
  process.exitCode = code;
};
if (answered === false) void main(args).then(done);
else if (answered !== true) void answered.then(done);
