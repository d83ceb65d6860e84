/**
 * The two URLs of console federation, as AWS documents them: the getSigninToken request (which
 * carries the temporary credentials) and the sign-in URL (which carries the token). Both are
 * secrets for as long as they work; nothing here logs them.
 */
import { badInput } from '../userError.js';
import type { ConsolePartition } from './partition.js';

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * `?Action=getSigninToken&Session=<JSON>` (plus `SessionDuration`, which AWS accepts only for role
 * credentials that were assumed with a long-term key).
 */
export function signinTokenRequestUrl(federation: string, credentials: SessionCredentials, sessionDurationSeconds?: number): string {
  const query = new URLSearchParams({ Action: 'getSigninToken' });
  if (sessionDurationSeconds !== undefined) query.set('SessionDuration', String(sessionDurationSeconds));
  query.set('Session', JSON.stringify({ sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }));
  return `${federation}?${query.toString()}`;
}

/**
 * The console page to land on: `--destination` as a path (`s3/home`, `/ec2/home#Instances`) or a
 * full URL on the partition's console host, with `region=` added when a region is known and the
 * page names none.
 */
export function destinationUrl(partition: ConsolePartition, region: string | undefined, destination: string | undefined): string {
  const base = `https://${partition.console}/`;
  let url: URL;
  const text = destination?.trim() ?? '';
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    url = new URL(text);
    const host = url.hostname;
    if (url.protocol !== 'https:' || !(host === partition.console || host.endsWith(`.${partition.console}`))) {
      throw badInput(`--destination ${text} is not a page of the ${partition.id} console (https://${partition.console}/...)`, 'give a console path such as s3/home or ec2/home');
    }
  } else {
    url = new URL(text === '' ? 'console/home' : text.replace(/^\/+/, ''), base);
  }
  if (region && !url.searchParams.has('region')) url.searchParams.set('region', region);
  return url.toString();
}

/** `?Action=login&Destination=...&SigninToken=...`: opens the console, signed in. Good for 15 minutes. */
export function signinUrl(partition: ConsolePartition, signinToken: string, destination: string): string {
  const query = new URLSearchParams({ Action: 'login', Destination: destination, SigninToken: signinToken });
  return `${partition.federation}?${query.toString()}`;
}
