/**
 * IAM clients with rolegate's configuration (clients.ts). A module of its own so that the paths that
 * only call STS (every credential refresh) never load @aws-sdk/client-iam.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { createClient, type ClientOptions } from './clients.js';

const iamOptions = new WeakMap<IAMClient, ClientOptions>();
const twins = { singleAttempt: new WeakMap<IAMClient, IAMClient>(), mfaCode: new WeakMap<IAMClient, IAMClient>() };

export function createIamClient(options: ClientOptions = {}): IAMClient {
  const client = createClient('IAM', (config) => new IAMClient(config), options);
  iamOptions.set(client, options);
  return client;
}

function twinOf(client: IAMClient, kind: keyof typeof twins, extra: ClientOptions): IAMClient {
  const options = iamOptions.get(client);
  if (!options) return client;
  let twin = twins[kind].get(client);
  if (!twin) {
    twin = createIamClient({ ...options, ...extra });
    twins[kind].set(client, twin);
  }
  return twin;
}

/**
 * A twin of an IAM client that has AWS carry out each call at most once: for creates
 * (CreateAccessKey, CreateVirtualMFADevice) that the SDK would otherwise repeat after a lost
 * answer, leaving the first result, with a secret nobody received, behind. A request AWS surely
 * never carried out (throttled, or never read) is resent (retryPolicy.ts); after a lost answer the
 * caller checks what exists instead.
 */
export function singleAttemptIamClient(client: IAMClient): IAMClient {
  return twinOf(client, 'singleAttempt', { sendsOnce: true });
}

/** A twin of an IAM client for calls carrying MFA codes (EnableMFADevice): see unsentOnlyRetries in clients.ts. */
export function mfaCodeIamClient(client: IAMClient): IAMClient {
  return twinOf(client, 'mfaCode', { carriesMfaCode: true });
}
