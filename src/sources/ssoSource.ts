/**
 * IAM Identity Center (SSO) profiles: `sso_session` and legacy `sso_start_url` profiles.
 * Placeholder until the sso source lands: every member refuses clearly, so nothing else breaks.
 */
import { UserError } from '../userError.js';
import type { CredentialSource, SpecOf } from './credentialSource.js';

function notServedYet(spec: SpecOf<'sso'>): UserError {
  return new UserError(`profile ${spec.profile} is an IAM Identity Center (SSO) profile, which this rolegate does not serve yet`, {
    next: `use the AWS CLI for it meanwhile: aws sso login --profile ${spec.profile}`,
  });
}

export const ssoSource: CredentialSource<'sso'> = {
  kind: 'sso',
  async resolve(spec) {
    throw notServedYet(spec);
  },
  async lookup() {
    return { warnings: [] };
  },
  async status(spec) {
    return { type: 'sso', from: spec.sso.sessionName !== undefined ? `sso-session ${spec.sso.sessionName}` : spec.sso.startUrl, links: [] };
  },
  async logout() {
    return [];
  },
  console(spec) {
    return { kind: 'refuse', reason: notServedYet(spec).message, next: `aws sso login --profile ${spec.profile}` };
  },
  renewal: 'silently',
};
