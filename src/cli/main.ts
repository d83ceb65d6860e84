#!/usr/bin/env node
// Entry point. `credential-process` is the hot path (every SDK call of every tool goes through it),
// so it skips commander and every other command module; see DESIGN.md.
// A reader that closes the pipe early (`rolegate --help | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const args = process.argv.slice(2);
if (args[0] === 'credential-process') {
  const { runCredentialProcess } = await import('./credentialProcess.js');
  process.exitCode = await runCredentialProcess(args.slice(1));
} else {
  const { runProgram } = await import('./program.js');
  process.exitCode = await runProgram(process.argv);
}
