/** A small EC2 client for verify's read and DryRun write probes, built like src/aws/clients.ts builds IAM/STS. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { resolveRegion, type ClientOptions } from '../aws/clients.js';

export function createEc2Client(options: ClientOptions & { maxAttempts?: number } = {}): EC2Client {
  const env = options.env ?? process.env;
  const endpoint = env.AWS_ENDPOINT_URL_EC2 ?? env.AWS_ENDPOINT_URL;
  return new EC2Client({
    region: resolveRegion(options),
    maxAttempts: options.maxAttempts ?? 3,
    ...(endpoint ? { endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : options.profile ? { profile: options.profile } : {}),
  });
}
