/**
 * `exec [PROFILE] [-- CMD...]` with its credentials endpoint (exec's default), started from the
 * cache: the shortcut note gives the first credentials, the endpoint note (cache/endpointNote.cts)
 * the config the command must see and the MFA session whose expiration is shown. No ES module,
 * commander or config parser loads unless a renewal needs the chain (credentialProcess.js, loaded
 * then). What it hands the command is what exec.ts's full path hands it; any miss returns false and
 * the full path runs (and leaves the notes for next time).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShortcutAnswer } from '../cache/credentialProcessShortcut.cjs';
import { readEndpointNote } from '../cache/endpointNote.cjs';
import { ENDPOINT_MARGIN_MS, formatExpiration, parseCredentials, type TemporaryCredentials } from '../cache/temporaryCredentials.cjs';
import { readTrustedFile } from '../files/checkedFile.cjs';
import { startContainerEndpoint } from '../credentials/containerEndpoint.cjs';
import { commandEnvironment, commandToRun, runChild } from './execChild.cjs';

/** The MFA session's expiration for ROLEGATE_EXPIRATION, as the full path reads it; undefined: ask the full path. */
function sessionExpiration(session: { file: string; mfaSerial: string }): Date | undefined {
  try {
    const entry = JSON.parse(readTrustedFile(session.file) ?? 'null') as { kind?: unknown; mfaSerial?: unknown; Credentials?: unknown } | null;
    if (!entry || entry.kind !== 'session' || entry.mfaSerial !== session.mfaSerial) return undefined;
    return parseCredentials(entry.Credentials)?.expiration;
  } catch {
    return undefined;
  }
}

export function execEndpointFromCache(profile: string, given: string[], env: NodeJS.ProcessEnv): false | Promise<number> {
  const note = readEndpointNote(profile, env);
  if (!note) return false;
  const answer = readShortcutAnswer(profile, env, ENDPOINT_MARGIN_MS);
  if (!answer) return false;
  const lasts = note.session ? sessionExpiration(note.session) : answer.credentials.expiration;
  if (!lasts) return false;
  return serve(profile, given, env, note.childConfig, answer, lasts);
}

async function serve(
  profile: string,
  given: string[],
  env: NodeJS.ProcessEnv,
  childConfig: { kind: 'as-is' } | { kind: 'copy'; text: string },
  answer: { credentials: TemporaryCredentials; region: string | undefined },
  lasts: Date,
): Promise<number> {
  let copyDir: string | undefined;
  let configCopy: string | undefined;
  if (childConfig.kind === 'copy') {
    copyDir = mkdtempSync(join(tmpdir(), 'rolegate-exec-'));
    configCopy = join(copyDir, 'config');
    writeFileSync(configCopy, childConfig.text, { mode: 0o600 });
  }
  const removeCopy = () => {
    if (copyDir) rmSync(copyDir, { recursive: true, force: true });
    copyDir = undefined;
  };
  let first: TemporaryCredentials | undefined = answer.credentials;
  // later asks: the note again if it still serves, else the chain (as the full path's renewals)
  const renewed = async (): Promise<TemporaryCredentials> => {
    const again = readShortcutAnswer(profile, env, ENDPOINT_MARGIN_MS);
    if (again) return again.credentials;
    const { renewedCredentials } = await import('./credentialProcess.js');
    return renewedCredentials(profile, env, ENDPOINT_MARGIN_MS);
  };
  try {
    const endpoint = await startContainerEndpoint({
      credentials: async () => {
        const served = first;
        first = undefined;
        return served ?? renewed();
      },
      onError: (error) => process.stderr.write(`rolegate: could not renew the credentials of ${profile}: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    const region = answer.region;
    const vars: Record<string, string> = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: endpoint.token,
      ...(region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {}),
      ROLEGATE_EXPIRATION: formatExpiration(lasts),
      ...(configCopy ? { AWS_CONFIG_FILE: configCopy } : {}),
    };
    const cleanup = async () => {
      await endpoint.close();
      removeCopy();
    };
    try {
      return await runChild(commandToRun(given, profile, env), commandEnvironment(env, vars, profile), cleanup);
    } finally {
      await endpoint.close();
    }
  } finally {
    removeCopy();
  }
}
