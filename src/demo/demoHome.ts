/**
 * The demo's temporary HOME and the environment every command of the demo runs in: the shared
 * files, rolegate's config and caches all inside it, AWS calls to the emulator, and none of the
 * person's own AWS settings or credentials (no AWS_*, BOTO_* or ROLEGATE_* variable comes in).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface DemoHome {
  home: string;
  configFile: string;
  credentialsFile: string;
  remove(): void;
}

const STRIPPED = /^(AWS_|BOTO_|ROLEGATE_|XDG_)/;

export function makeDemoHome(): DemoHome {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-demo-'));
  mkdirSync(join(home, '.aws'), { mode: 0o700 });
  return {
    home,
    configFile: join(home, '.aws', 'config'),
    credentialsFile: join(home, '.aws', 'credentials'),
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}

export function demoEnvironment(base: NodeJS.ProcessEnv, options: { home: DemoHome; endpoint: string; venvBin: string; region: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!STRIPPED.test(key)) env[key] = value;
  }
  const { home } = options.home;
  const noProxy = [base.NO_PROXY ?? base.no_proxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    AWS_CONFIG_FILE: options.home.configFile,
    AWS_SHARED_CREDENTIALS_FILE: options.home.credentialsFile,
    AWS_ENDPOINT_URL: options.endpoint,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    // the venv's AWS CLI first, so `aws` (and what `rolegate exec` starts) is the one we prepared
    PATH: [options.venvBin, base.PATH].filter(Boolean).join(delimiter),
  });
  // the shell history the audit reads is the demo's, not the person's; and no way to the person's
  // keychain (the demo uses the plain store, so nothing would open it anyway)
  delete env.HISTFILE;
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return env;
}
