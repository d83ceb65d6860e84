/** A small EC2 client for verify's read and DryRun write probes, built like src/aws/clients.ts builds IAM/STS. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { clientConfig, type ClientOptions } from '../aws/clients.js';

export function createEc2Client(options: ClientOptions & { maxAttempts?: number } = {}): EC2Client {
  return new EC2Client(clientConfig('EC2', { ...options, maxAttempts: options.maxAttempts ?? 3 }));
}
