/**
 * What a console sign-in profile (`login_session`, written by `aws login`, AWS CLI 2.32+) asks for,
 * read from the shared config file. The SDK's own provider (@aws-sdk/credential-provider-login)
 * reads its cache (~/.aws/login/cache) from these.
 * Owned by the login source (src/sources/loginSource.ts) once the sources interface has landed.
 */
import { getOwn, type ProfileValues } from './profileMap.js';

export interface LoginSpec {
  /** The profile asked for. */
  profile: string;
  /** `login_session` of the profile: the identity `aws login` signed in (an ARN), which keys its cache. */
  loginSession: string;
  /** The profile's `region`, when set (the sign-in service's region). */
  region?: string;
}

function text(values: ProfileValues | undefined, key: string): string | undefined {
  const value = values ? getOwn(values, key) : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Whether a profile's values make it a console sign-in profile. */
export function isLoginProfile(values: ProfileValues | undefined): boolean {
  return text(values, 'login_session') !== undefined;
}

/** The LoginSpec of `profile`, whose resolved values are `values` (isLoginProfile holds). */
export function loginSpecOf(profile: string, values: ProfileValues): LoginSpec {
  const region = text(values, 'region');
  return { profile, loginSession: text(values, 'login_session') ?? '', ...(region !== undefined ? { region } : {}) };
}
