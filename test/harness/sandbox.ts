import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Sandbox {
  home: string;
  configFile: string;
  credentialsFile: string;
  /** A full environment for child processes: no variable of the real user's AWS setup leaks in. */
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** Variables stripped from the parent environment, so no test reads or writes a real ~/.aws. */
const STRIPPED = /^(AWS_|BOTO_|ROLEGATE_)/;

/**
 * A temporary HOME with `.aws/`, and an environment pointing the AWS CLI, boto3, the SDK and
 * rolegate at it (and at moto, when an endpoint is given).
 */
export function makeSandbox(options: { endpoint?: string; region?: string; extraEnv?: NodeJS.ProcessEnv } = {}): Sandbox {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-test-'));
  mkdirSync(join(home, '.aws'), { mode: 0o700 });
  const configFile = join(home, '.aws', 'config');
  const credentialsFile = join(home, '.aws', 'credentials');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!STRIPPED.test(key)) env[key] = value;
  }
  // no desktop: an MFA code dialog must not open on a developer's screen (tests that want one
  // start their own X server)
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_REGION: options.region ?? 'us-east-1',
    AWS_DEFAULT_REGION: options.region ?? 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    NO_COLOR: '1',
  });
  // Everything a test talks to is on loopback: a proxy from the outer environment must not take
  // botocore's calls to moto (Node's fetch and the JavaScript SDK ignore these variables).
  const noProxy = [env.NO_PROXY ?? env.no_proxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
  env.NO_PROXY = noProxy;
  env.no_proxy = noProxy;
  if (options.endpoint) env.AWS_ENDPOINT_URL = options.endpoint;
  Object.assign(env, options.extraEnv ?? {});
  return {
    home,
    configFile,
    credentialsFile,
    env,
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
