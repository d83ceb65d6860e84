/**
 * The test run's last step (scripts/run-tests.mjs): every secret the run noted
 * (secretRegistry.ts) is looked for in the run's output and in every file left in its temporary
 * folder. A hit outside the files meant to hold secrets is a leak. Hits are reported by kind and
 * place, never with the secret.
 */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SecretKind } from './secretRegistry.js';

/** Files whose job is to hold a secret (left over only when a test did not clean up). */
const MEANT_TO_HOLD: Array<[RegExp, string]> = [
  [/\/\.aws\/credentials$/, "the plain store's credentials file"],
  [/\/rolegate\/sessions\/[^/]+\.json$/, "rolegate's temporary credentials cache"],
  [/\/\.aws\/cli\/cache\/[^/]+\.json$/, "the AWS CLI's assume-role cache"],
  [/\/\.aws\/login\/cache\/[^/]+\.json$/, "the console sign-in cache (aws login)"],
  [/\/(mfa|authenticator)-seed[^/]*\.txt$/, "the tests' authenticator (the phone's seed)"],
];
/** Larger files (hostile tests plant 200 MB configs) are listed, not read. */
const MAX_SCANNED_BYTES = 32 * 1024 * 1024;

export interface Secret {
  kind: SecretKind;
  value: string;
}

export interface ScanReport {
  secrets: number;
  files: number;
  outputBytes: number;
  leaks: string[];
  unscanned: string[];
}

export function readSecrets(registryFile: string): Secret[] {
  let text: string;
  try {
    text = readFileSync(registryFile, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Secret);
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    const info = lstatSync(path, { throwIfNoEntry: false });
    if (!info) return [];
    if (info.isDirectory()) return filesUnder(path);
    return info.isFile() ? [path] : []; // links, FIFOs and sockets are not followed
  });
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function scanForSecrets(secrets: Secret[], places: { output: string; tempDir: string }): ScanReport {
  const report: ScanReport = { secrets: secrets.length, files: 0, outputBytes: 0, leaks: [], unscanned: [] };
  let output = '';
  try {
    output = readFileSync(places.output, 'utf8');
  } catch {
    // no output file: nothing printed
  }
  report.outputBytes = Buffer.byteLength(output);
  for (const secret of secrets) {
    const at = output.indexOf(secret.value);
    if (at !== -1) report.leaks.push(`a ${secret.kind} in the test output, line ${lineOf(output, at)}`);
  }
  for (const path of filesUnder(places.tempDir)) {
    if (MEANT_TO_HOLD.some(([pattern]) => pattern.test(path))) continue;
    const size = lstatSync(path).size;
    if (size > MAX_SCANNED_BYTES) {
      report.unscanned.push(relative(places.tempDir, path));
      continue;
    }
    report.files++;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      report.unscanned.push(relative(places.tempDir, path));
      continue;
    }
    for (const secret of secrets) {
      if (bytes.includes(secret.value)) report.leaks.push(`a ${secret.kind} in the leftover file ${relative(places.tempDir, path)}`);
    }
  }
  return report;
}
