import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Python's os.path.expandvars: `$name` and `${name}`; unknown variables are left as they are. */
function expandVars(path: string, env: NodeJS.ProcessEnv): string {
  return path.replace(/\$(\w+|\{[^}]*\})/g, (match, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    const value = env[key];
    return value === undefined ? match : value;
  });
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  const home = env.HOME || homedir();
  return home + path.slice(1);
}

/** botocore order: expandvars, then expanduser. */
export function expandPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(expandHome(expandVars(path, env), env));
}

/**
 * The shared config and credentials files: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
 * (with ~ and $VARS expanded, as botocore does), else ~/.aws/config and ~/.aws/credentials.
 */
export function sharedFilePaths(env: NodeJS.ProcessEnv = process.env): { configFile: string; credentialsFile: string } {
  const home = env.HOME || homedir();
  return {
    configFile: env.AWS_CONFIG_FILE ? expandPath(env.AWS_CONFIG_FILE, env) : join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE
      ? expandPath(env.AWS_SHARED_CREDENTIALS_FILE, env)
      : join(home, '.aws', 'credentials'),
  };
}
