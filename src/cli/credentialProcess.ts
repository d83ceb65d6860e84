/** `rolegate credential-process PROFILE`: placeholder until the everyday-credentials work lands. */
export async function runCredentialProcess(args: string[]): Promise<number> {
  process.stderr.write(`rolegate: credential-process is not available in this build (profile ${args[0] ?? '?'})\n`);
  return 1;
}
