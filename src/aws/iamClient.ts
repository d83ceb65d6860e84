/**
 * IAM clients with rolegate's configuration (clients.ts). A module of its own so that the paths that
 * only call STS (every credential refresh) never load @aws-sdk/client-iam.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { createClient, type ClientOptions } from './clients.js';

const iamOptions = new WeakMap<IAMClient, ClientOptions>();
const singleAttempt = new WeakMap<IAMClient, IAMClient>();

export function createIamClient(options: ClientOptions = {}): IAMClient {
  const client = createClient('IAM', (config) => new IAMClient(config), options);
  iamOptions.set(client, options);
  return client;
}

/**
 * A twin of an IAM client that makes one attempt per call: for creates (CreateAccessKey,
 * CreateVirtualMFADevice) that the SDK would otherwise repeat after a lost answer, leaving the
 * first result, with a secret nobody received, behind. The caller checks what exists instead.
 */
export function singleAttemptIamClient(client: IAMClient): IAMClient {
  const options = iamOptions.get(client);
  if (!options) return client;
  let twin = singleAttempt.get(client);
  if (!twin) {
    twin = createIamClient({ ...options, maxAttempts: 1 });
    singleAttempt.set(client, twin);
  }
  return twin;
}
