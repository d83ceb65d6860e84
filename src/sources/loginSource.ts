/**
 * Console sign-in profiles (`login_session`, written by `aws login`).
 * Placeholder until the login source lands: every member refuses clearly, so nothing else breaks.
 */
import { UserError } from '../userError.js';
import type { CredentialSource, SpecOf } from './credentialSource.js';

function notServedYet(spec: SpecOf<'login'>): UserError {
  return new UserError(`profile ${spec.profile} is a console sign-in profile (login_session), which this rolegate does not serve yet`, {
    next: `use the AWS CLI (2.32 or later) for it meanwhile: aws login --profile ${spec.profile}`,
  });
}

export const loginSource: CredentialSource<'login'> = {
  kind: 'login',
  async resolve(spec) {
    throw notServedYet(spec);
  },
  async lookup() {
    return { warnings: [] };
  },
  async status() {
    return { type: 'console sign-in', from: 'aws login', links: [] };
  },
  async logout() {
    return [];
  },
  console(spec) {
    return { kind: 'refuse', reason: notServedYet(spec).message, next: `aws login --profile ${spec.profile}` };
  },
  renewal: 'silently',
};
