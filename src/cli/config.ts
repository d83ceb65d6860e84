import type { Command } from 'commander';
import { quotePosix } from '../shellQuote.js';

interface FileFlags {
  credentials?: boolean;
}

/** Keys whose values are secrets: never taken from argv, never echoed in messages. */
const SECRET_KEYS = new Set(['aws_secret_access_key', 'aws_session_token', 'aws_security_token']);
/** Keys `aws configure set` writes to the credentials file whatever the flags say. */
const CREDENTIALS_FILE_KEYS = new Set(['aws_access_key_id', ...SECRET_KEYS]);

async function readStdinValue(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * duration_seconds and rolegate_role_chain of a role profile: a role assumed with the MFA session
 * (the session chain, rolegate's default) lasts at most 1 hour on AWS, so more is refused, saying
 * why and what to set instead, before anything is written.
 */
export async function checkRoleDurationSetting(profile: string, key: 'duration_seconds' | 'rolegate_role_chain', value: string): Promise<void> {
  const { badInput } = await import('../userError.js');
  const { readSharedProfiles, resolveProfile } = await import('../config/profiles.js');
  const { CHAINED_ROLE_MAX_SECONDS, ROLE_CHAINS, chainedRoleLimitText } = await import('../config/profileSpec.js');
  const values = resolveProfile(await readSharedProfiles(process.env), profile) ?? {};
  const current = (k: string) => (typeof values[k] === 'string' ? (values[k] as string).trim() : undefined);
  const duration = key === 'duration_seconds' ? value : current('duration_seconds');
  const chain = key === 'rolegate_role_chain' ? value : (current('rolegate_role_chain') ?? 'session');
  if (key === 'duration_seconds' && (!/^\d+$/.test(value) || Number(value) < 900 || Number(value) > 43200)) {
    throw badInput(`duration_seconds is whole seconds from 900 to 43200 (AWS's range for a role session), not ${value}`, `rolegate config set ${quotePosix(profile)} duration_seconds 3600`);
  }
  if (key === 'rolegate_role_chain' && !(ROLE_CHAINS as readonly string[]).includes(value)) {
    throw badInput(`rolegate_role_chain is session or direct, not ${value}`, `rolegate config set ${quotePosix(profile)} rolegate_role_chain direct`);
  }
  const isRole = Boolean(current('rolegate_role_arn') ?? current('role_arn'));
  if (isRole && chain === 'session' && duration !== undefined && Number(duration) > CHAINED_ROLE_MAX_SECONDS) {
    throw badInput(`profile ${profile} would ask for ${duration} s role sessions, which AWS refuses: ${chainedRoleLimitText(profile)}`,
      key === 'duration_seconds' ? `rolegate config set ${quotePosix(profile)} rolegate_role_chain direct, then set duration_seconds again` : `rolegate config unset ${quotePosix(profile)} duration_seconds first`);
  }
}

export function register(program: Command): void {
  const config = program
    .command('config')
    .summary('get, set or unset values in ~/.aws/config and ~/.aws/credentials, losslessly')
    .description(
      'Read and change values in the shared AWS config and credentials files, like `aws configure get/set`, but lossless: comments, order, spacing and line endings are kept. Honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate config get default region
  $ rolegate config set admin duration_seconds 3600
  $ rolegate config set default s3.max_concurrent_requests 20
  $ rolegate config unset admin mfa_process
  $ printf '%s' "$SECRET" | rolegate config set ci aws_secret_access_key -
`,
    );

  config
    .command('get')
    .summary('print a value as the AWS CLI sees it (exit 1 when unset)')
    .description(
      'Print the value of KEY in PROFILE as the AWS CLI sees it (credentials-file values win). Exits 1 with nothing printed when the key is not set.',
    )
    .argument('<profile>', 'profile name (default, admin, ...)')
    .argument('<key>', 'key name; KEY.SUBKEY for a nested value (s3.max_concurrent_requests)')
    .option('--credentials', 'read only the credentials file')
    .option('--config', 'read only the config file')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate config get default region
  $ rolegate config get admin mfa_serial
  $ rolegate config get default s3.max_concurrent_requests
  $ rolegate config get --credentials default aws_access_key_id
`,
    )
    .action(async (profile: string, key: string, flags: FileFlags & { config?: boolean }) => {
      const { readSharedProfiles, resolveProfile } = await import('../config/profiles.js');
      const { getOwn } = await import('../config/profileMap.js');
      const { splitKey } = await import('../config/profileDocument.js');
      const { badInput } = await import('../userError.js');
      if (flags.credentials && flags.config) throw badInput('--credentials and --config cannot be used together');
      const { top, sub } = splitKey(key);
      const shared = await readSharedProfiles();
      const values = flags.credentials ? shared.credentials.get(profile) : flags.config ? shared.config.get(profile) : resolveProfile(shared, profile);
      let value = values ? getOwn(values, top.toLowerCase()) : undefined;
      if (sub !== undefined) value = typeof value === 'object' ? getOwn(value, sub) : undefined;
      if (typeof value === 'string') {
        process.stdout.write(value + '\n');
        return;
      }
      if (typeof value === 'object') {
        process.stderr.write(`rolegate: ${key} holds nested values; ask for one of them, for example ${key}.${Object.keys(value)[0] ?? 'NAME'}\n`);
      }
      process.exitCode = 1;
    });

  config
    .command('set')
    .summary('set a value, changing only its line')
    .description(
      "Set KEY in PROFILE to VALUE, changing only that line (or adding it at the end of the profile's section, or adding the section). Keys of access keys go to the credentials file. Secret values (aws_secret_access_key, aws_session_token) are read from stdin, never argv.",
    )
    .argument('<profile>', 'profile name (default, admin, ...)')
    .argument('<key>', 'key name; KEY.SUBKEY for a nested value (s3.max_concurrent_requests)')
    .argument('[value]', 'the value; "-" or omitted: read it from stdin')
    .option('--credentials', 'write to the credentials file instead of the config file')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate config set default region eu-west-1
  $ rolegate config set admin mfa_serial arn:aws:iam::123456789012:mfa/admin
  $ rolegate config set default s3.addressing_style path
  $ rolegate config set --credentials ci aws_access_key_id AKIAIOSFODNN7EXAMPLE
  $ rolegate config set ci aws_secret_access_key - < secret.txt
`,
    )
    .action(async (profile: string, key: string, value: string | undefined, flags: FileFlags) => {
      const { editSharedFile } = await import('../config/sharedFileEditor.js');
      const { badInput } = await import('../userError.js');
      const lower = key.toLowerCase();
      if (value !== undefined && value !== '-' && SECRET_KEYS.has(lower)) {
        throw badInput(`${key} is a secret and is not taken from the command line (it would stay in shell history)`, `pass it on stdin: rolegate config set ${quotePosix(profile)} ${quotePosix(key)} - < FILE`);
      }
      if (value === undefined && process.stdin.isTTY) {
        throw badInput('VALUE is missing', `give it after the key, or "-" to read it from stdin: rolegate config set ${quotePosix(profile)} ${quotePosix(key)} -`);
      }
      const newValue = value === undefined || value === '-' ? await readStdinValue() : value;
      if ((value === undefined || value === '-') && newValue === '') throw badInput('no value arrived on stdin', 'pipe the value in, or give it after the key');
      // argv cannot carry a NUL, stdin can: botocore would cut the value there, other readers not
      if (newValue.includes('\0')) throw badInput(`the value for ${key} contains a NUL byte, which no AWS config file can hold`, 'remove the NUL byte from the value and run the command again');
      const kind = flags.credentials || CREDENTIALS_FILE_KEYS.has(lower) ? 'credentials' : 'config';
      if (lower === 'duration_seconds' || lower === 'rolegate_role_chain') await checkRoleDurationSetting(profile, lower, newValue);
      await editSharedFile(kind, (doc) => doc.setValue(profile, key, newValue));
    });

  config
    .command('unset')
    .summary('remove a value, changing only its lines')
    .description('Remove KEY from PROFILE (only its lines). Nothing to remove is not an error.')
    .argument('<profile>', 'profile name (default, admin, ...)')
    .argument('<key>', 'key name; KEY.SUBKEY for a nested value (s3.max_concurrent_requests)')
    .option('--credentials', 'edit the credentials file instead of the config file')
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate config unset admin duration_seconds
  $ rolegate config unset default s3.max_concurrent_requests
  $ rolegate config unset --credentials old aws_session_token
`,
    )
    .action(async (profile: string, key: string, flags: FileFlags) => {
      const { editSharedFile } = await import('../config/sharedFileEditor.js');
      const kind = flags.credentials || CREDENTIALS_FILE_KEYS.has(key.toLowerCase()) ? 'credentials' : 'config';
      await editSharedFile(kind, (doc) => doc.unsetValue(profile, key));
    });
}
