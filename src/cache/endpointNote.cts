/**
 * What exec's credentials endpoint needs beyond the shortcut note, so that `exec PROFILE -- CMD`
 * answered from the cache (cli/execEndpointFromCache.cts) starts without the config parser: the
 * config the command must see (endpointChildConfig's decision, and for a copy its text, which holds
 * no secret: a config with a key is never copied), and the MFA session file whose expiration is
 * shown as ROLEGATE_EXPIRATION. Written by exec's full path; valid while the shared files and the
 * variables naming them are as they were (the shortcut's stamps). One note per profile.
 */
import { join } from 'node:path';
import { readTrustedFile } from '../files/checkedFile.cjs';
import { rolegateCacheDir, safeName } from '../files/rolegatePaths.cjs';
import { envOf, sameStamp, stampFile, type FileStamp } from './credentialProcessShortcut.cjs';

export type ChildConfigNote = { kind: 'as-is' } | { kind: 'copy'; text: string };

export interface EndpointNote {
  version: 1;
  profile: string;
  env: Record<string, string | null>;
  files: FileStamp[];
  childConfig: ChildConfigNote;
  /** The session chain's MFA session entry (its expiration is what lasts), with the device it must be for. */
  session?: { file: string; mfaSerial: string };
}

export function endpointNoteFile(profile: string, env: NodeJS.ProcessEnv): string {
  return join(rolegateCacheDir(env), 'shortcuts', `${safeName(profile)}.endpoint.json`);
}

/** The note, if it still describes the shared files; undefined otherwise. Never throws. */
export function readEndpointNote(profile: string, env: NodeJS.ProcessEnv): EndpointNote | undefined {
  try {
    const note = JSON.parse(readTrustedFile(endpointNoteFile(profile, env)) ?? 'null') as EndpointNote | null;
    if (!note || note.version !== 1 || note.profile !== profile || !Array.isArray(note.files) || note.files.length === 0) return undefined;
    const current = envOf(env);
    if (Object.keys(current).some((key) => note.env?.[key] !== current[key])) return undefined;
    if (!note.files.every((stamp) => sameStamp(stamp, stampFile(stamp.path)))) return undefined;
    const kind = note.childConfig?.kind;
    if (kind !== 'as-is' && !(kind === 'copy' && typeof note.childConfig.text === 'string')) return undefined;
    return note;
  } catch {
    return undefined;
  }
}

/** Records the note (`stamps` taken before the files were read); leaves an identical one be. */
export async function writeEndpointNote(profile: string, env: NodeJS.ProcessEnv, stamps: FileStamp[], childConfig: ChildConfigNote, session?: EndpointNote['session']): Promise<void> {
  const { writePrivateFile } = await import('../files/privateFile.js');
  const note: EndpointNote = { version: 1, profile, env: envOf(env), files: stamps, childConfig, ...(session ? { session } : {}) };
  const text = JSON.stringify(note);
  const file = endpointNoteFile(profile, env);
  let existing: string | undefined;
  try {
    existing = readTrustedFile(file);
  } catch {
    existing = undefined;
  }
  if (existing !== text) await writePrivateFile(file, text);
}
