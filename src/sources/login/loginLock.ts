import { loginSessionKey } from './loginCacheFile.js';

/** The refresh lock's name for a console sign-in: one per login session, whichever profiles name it. */
export function loginLockName(loginSession: string): string {
  return `login-${loginSessionKey(loginSession).slice(0, 32)}`;
}
