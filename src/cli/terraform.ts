import type { Command } from 'commander';
import type { CredentialSpec } from '../config/profileSpec.js';
import { quotePosix } from '../shellQuote.js';
import { hclString } from '../emit/hclString.js';

const hcl = hclString;

/**
 * A provider block for the profile. Store-layout profiles work as `profile = ...` (Terraform's SDK
 * runs credential_process). The guide's layout needs an MFA code for every AssumeRole, which
 * Terraform cannot ask for, so there the block takes credentials from the environment and the
 * comment says to run Terraform through `rolegate exec`.
 */
export function terraformBlock(spec: CredentialSpec, region: string): string {
  const profile = spec.profile;
  if (spec.kind !== 'session' && spec.kind !== 'role') {
    // a profile of the AWS CLI's own kinds: Terraform's SDK reads it, unless a code must be typed
    const asksForCode = spec.kind === 'assume-role' && spec.assumeRole.mfaSerial !== undefined;
    if (!asksForCode) {
      return (
        `# Terraform's AWS provider reads profile ${hcl(profile)} itself, as the AWS CLI does.\n` +
        `provider "aws" {\n  region  = ${hcl(region)}\n  profile = ${hcl(profile)}\n}\n`
      );
    }
    return (
      `# Profile ${hcl(profile)} assumes a role with an MFA code, which Terraform cannot ask for. Run Terraform\n` +
      `# through rolegate, which serves the role's credentials from the cache it shares with the AWS CLI:\n` +
      `#   rolegate exec ${quotePosix(profile)} -- terraform plan\n` +
      `provider "aws" {\n  region = ${hcl(region)}\n}\n`
    );
  }
  const usesProcess = spec.kind === 'session' || spec.role.layout === 'store';
  if (usesProcess) {
    return (
      `# Credentials for profile ${hcl(profile)} come from \`rolegate credential-process ${quotePosix(profile)}\` (credential_process in\n` +
      `# your AWS config): one MFA code a day, shared with the AWS CLI and every other tool.\n` +
      `provider "aws" {\n  region  = ${hcl(region)}\n  profile = ${hcl(profile)}\n}\n`
    );
  }
  return (
    `# Profile ${hcl(profile)} uses the AWS CLI's role_arn/mfa_serial settings, and Terraform cannot ask for an MFA\n` +
    `# code. Run Terraform through rolegate, which puts the role's credentials in its environment:\n` +
    `#   rolegate exec ${quotePosix(profile)} -- terraform plan\n` +
    `# (After \`rolegate import ${quotePosix(spec.kind === 'role' ? spec.role.session.keyProfile : profile)} --store keychain\`, profile = ${hcl(profile)} works here directly.)\n` +
    `provider "aws" {\n  region = ${hcl(region)}\n}\n`
  );
}

export function register(program: Command): void {
  program
    .command('terraform')
    .summary('print a Terraform AWS provider block for a profile')
    .argument('[profile]', 'the profile (default: $AWS_PROFILE, else default)')
    .description(
      "Print a Terraform AWS provider block that uses the profile's short-lived credentials, with its region.",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ rolegate terraform admin > provider.tf
  $ rolegate terraform admin && rolegate exec admin -- terraform plan`,
    )
    .action(async (profileArg: string | undefined) => {
      const { readSharedProfiles } = await import('../config/profiles.js');
      const { describeProfile } = await import('../config/profileSpec.js');
      const { defaultProfileName } = await import('../sources/profileCredentials.js');
      const profile = profileArg ?? defaultProfileName();
      const spec = describeProfile(await readSharedProfiles(), profile);
      const region = spec.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
      process.stdout.write(terraformBlock(spec, region));
    });
}
