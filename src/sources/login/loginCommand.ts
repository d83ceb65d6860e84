import { quotePosix } from '../../shellQuote.js';

/** The AWS CLI command (2.32+) that signs in for a profile, for messages. */
export function loginCommand(profile: string): string {
  return profile === 'default' ? 'aws login' : `aws login --profile ${quotePosix(profile)}`;
}
