/**
 * Brings the peers the registries serve into a cache folder of the bench's own (never the
 * project's .venv): the Python peers from PyPI into one venv, pinned; the Go peers with `go install`
 * from the Go module proxy, else built from a source checkout (GO_PEERS). A peer that cannot be had comes back with the reason, for the table.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Pinned, so a rerun measures the same versions (the newest PyPI served when the bench was written). */
export const PYTHON_PEERS = ['aws-mfa==0.0.12', 'awsume==4.5.4', 'awscli==1.46.3'];

/**
 * The Go peers: `go install` from the Go module proxy first; when the proxy refuses (it has answered
 * 403 "This module version is not available" for both), `go build` from a checkout of the peer's
 * source in ROLEGATE_BENCH_GO_SOURCES/<name> (e.g. `git clone https://github.com/99designs/aws-vault`),
 * its dependencies from the module proxy. aws-vault 7.2 (99designs) builds its STS client without
 * the SDK's endpoint settings, so AWS_ENDPOINT_URL never reaches it: the build from source adds that
 * one rule to its STS endpoint resolver (`endpointPatch`), so that it can be measured against moto;
 * ByteNess's maintained fork (7.13) honours AWS_ENDPOINT_URL and is built as it is.
 */
const GO_PEERS = [
  { name: 'granted', module: 'github.com/common-fate/granted/cmd/granted@latest', binary: 'granted', source: 'granted', pkg: './cmd/granted' },
  { name: 'aws-vault', module: 'github.com/99designs/aws-vault/v7@latest', binary: 'aws-vault', source: 'aws-vault', pkg: '.' },
];

/**
 * aws-vault's STS endpoint resolver, taught AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL (as the SDKs
 * read them), for a source that does not read them itself: 99designs' 7.2 (its SDK predates the
 * variable, and its resolver knows only `sts_regional_endpoints`). ByteNess's fork (7.13) reads
 * AWS_ENDPOINT_URL and `endpoint_url` in vault/config.go, and is built unpatched.
 */
function endpointPatch(dir: string): string | undefined {
  const file = join(dir, 'vault', 'stsendpointresolver.go');
  if (!existsSync(file)) return undefined;
  const config = join(dir, 'vault', 'config.go');
  if (existsSync(config) && readFileSync(config, 'utf8').includes('AWS_ENDPOINT_URL')) return undefined;
  const text = readFileSync(file, 'utf8');
  if (text.includes('AWS_ENDPOINT_URL')) return undefined;
  const anchor = 'return func(service, region string, options ...interface{}) (aws.Endpoint, error) {';
  if (!text.includes(anchor)) return `${file} is not the one this bench knows how to patch`;
  const patched = text
    .replace('import (\n', 'import (\n\t"os"\n')
    .replace(anchor, `${anchor}\n\t\tif url := os.Getenv("AWS_ENDPOINT_URL_STS") + os.Getenv("AWS_ENDPOINT_URL"); url != "" && service == sts.ServiceID {\n\t\t\treturn aws.Endpoint{URL: url, SigningRegion: region}, nil\n\t\t}`);
  writeFileSync(file, patched);
  return undefined;
}

export interface Installed {
  /** The venv's bin folder: aws (CLI v1), aws-mfa, awsumepy, python. */
  pythonBin: string;
  /** Go peers that installed, by name, with their binary. */
  goPeers: Map<string, string>;
  /** Their versions (`git describe` of the checkout built, or the module's). */
  goVersions: Map<string, string>;
  /** Peers that could not be had, with the reason. */
  absent: { name: string; reason: string }[];
}

export function benchCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ROLEGATE_BENCH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rolegate-bench');
}

function runOrExplain(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string }): string | undefined {
  const result = spawnSync(file, args, { env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeoutMs, cwd: options.cwd });
  if (result.error) return result.error.message;
  if (result.status === 0) return undefined;
  return `${result.stderr}\n${result.stdout}`.trim() || `exit ${result.status}`;
}

/** The go command's error without the proxy's address: the status and the proxy's own words. */
function goFailure(text: string): string {
  const status = /(\d{3} [A-Za-z ]+?)(?:\s|$)/.exec(text)?.[1];
  const said = /server response: (.*)/.exec(text)?.[1];
  if (status) return `the Go module proxy answered ${status}${said ? ` (\"${said.trim()}\")` : ''}`;
  return (text.split('\n')[0] ?? text).replace(/https?:\/\/\S+/g, '<proxy>');
}

export function installPeers(cacheDir: string, log: (line: string) => void): Installed {
  mkdirSync(cacheDir, { recursive: true });
  const venv = join(cacheDir, 'venv');
  const marker = join(venv, 'rolegate-bench-pins.txt');
  const absent: Installed['absent'] = [];
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== PYTHON_PEERS.join('\n')) {
    log(`installing ${PYTHON_PEERS.join(', ')} from PyPI into ${venv}`);
    const made = runOrExplain('python3', ['-m', 'venv', '--clear', venv], { timeoutMs: 600_000 });
    const failed = made ?? runOrExplain(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PYTHON_PEERS], { timeoutMs: 600_000 });
    if (failed) throw new Error(`the Python peers did not install: ${failed}`);
    writeFileSync(marker, PYTHON_PEERS.join('\n'));
  }
  const goPeers = new Map<string, string>();
  const goVersions = new Map<string, string>();
  const goPath = join(cacheDir, 'go');
  const goEnv = { ...process.env, GOPATH: goPath, GOBIN: join(goPath, 'bin'), GOFLAGS: '-modcacherw' };
  for (const peer of GO_PEERS) {
    const binary = join(goPath, 'bin', peer.binary);
    if (existsSync(binary)) {
      goPeers.set(peer.name, binary);
      if (existsSync(`${binary}.version`)) goVersions.set(peer.name, readFileSync(`${binary}.version`, 'utf8'));
      continue;
    }
    log(`go install ${peer.module}`);
    const failed = peer.name === 'aws-vault' ? 'aws-vault is built from source (its STS endpoint is patched where it needs it)' : runOrExplain('go', ['install', peer.module], { env: goEnv, timeoutMs: 300_000 });
    if (!failed) {
      goPeers.set(peer.name, binary);
      continue;
    }
    const sources = process.env.ROLEGATE_BENCH_GO_SOURCES;
    const checkout = sources ? join(sources, peer.source) : undefined;
    if (!checkout || !existsSync(join(checkout, 'go.mod'))) {
      absent.push({ name: peer.name, reason: `\`go install ${peer.module}\` failed (${goFailure(failed)}), and no source checkout in ROLEGATE_BENCH_GO_SOURCES/${peer.source}` });
      continue;
    }
    // a copy of the checkout, so a patch never touches the person's own
    const copy = join(cacheDir, 'src', peer.source);
    rmSync(copy, { recursive: true, force: true });
    cpSync(checkout, copy, { recursive: true });
    const patchFailed = peer.name === 'aws-vault' ? endpointPatch(copy) : undefined;
    const version = spawnSync('git', ['-C', checkout, 'describe', '--tags'], { encoding: 'utf8' }).stdout.trim() || 'source';
    log(`go build ${peer.name} ${version} from ${checkout}`);
    const built = patchFailed ?? runOrExplain('go', ['build', '-o', binary, '-ldflags', `-X main.Version=${version}`, peer.pkg], { env: { ...goEnv, PWD: copy }, timeoutMs: 600_000, cwd: copy });
    if (built) absent.push({ name: peer.name, reason: `building from ${checkout} failed: ${goFailure(built)}` });
    else {
      goPeers.set(peer.name, binary);
      goVersions.set(peer.name, version);
      writeFileSync(`${binary}.version`, version);
    }
  }
  return { pythonBin: join(venv, 'bin'), goPeers, goVersions, absent };
}

/** The AWS CLI v2, where the system has one that honours AWS_ENDPOINT_URL (2.13 and later). */
export function findAwsCliV2(): { path?: string; reason?: string } {
  for (const path of ['/usr/local/bin/aws', '/usr/bin/aws']) {
    if (!existsSync(path)) continue;
    const out = spawnSync(path, ['--version'], { encoding: 'utf8' });
    const version = /aws-cli\/(2)\.(\d+)\.(\d+)/.exec(out.stdout + out.stderr);
    if (!version) continue;
    if (Number(version[2]) >= 13) return { path };
    return { reason: `${path} is ${version[0]}: before 2.13 it ignores AWS_ENDPOINT_URL, so its role's STS calls would go to AWS, not to moto` };
  }
  return { reason: 'not installed on this machine (no pip package; Debian\'s `awscli` needs root, and its 2.9 ignores AWS_ENDPOINT_URL)' };
}
