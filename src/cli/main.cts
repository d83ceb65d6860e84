#!/usr/bin/env node
/**
 * Entry point. CommonJS on purpose: `credential-process` answered from the cache is the hot path
 * (every AWS call of every tool that uses a rolegate profile starts it), and an ES module entry
 * costs Node 2-3 ms of loader start-up before any of our code runs. A cache hit of
 * credential-process, env or exec --env-only (fromCache.cts) loads a few small CommonJS modules and
 * nothing else (bench/, test/e2e/credModuleGraph.test.ts); everything else is ESM, loaded with
 * import() when it is needed.
 */
import { answerFromCache } from './fromCache.cjs';

async function main(args: string[]): Promise<number> {
  // A reader that closes the pipe early (`rolegate --help | head`) is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  if (args[0] === 'credential-process') {
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
