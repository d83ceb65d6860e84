/**
 * AWS partitions that have a console sign-in federation endpoint, and how a profile's partition is
 * found. Hosts as AWS documents them ("Enable custom identity broker access to the AWS console",
 * and its China edition on docs.amazonaws.cn); the ISO partitions have none that rolegate knows of.
 * Which partition a region or an ARN is in: aws/partition.ts.
 */
import { badInput } from '../userError.js';
import { partitionOfArn, partitionOfRegion } from '../aws/partition.js';

export interface ConsolePartition {
  id: 'aws' | 'aws-cn' | 'aws-us-gov';
  /** The federation endpoint: getSigninToken is asked here, and the sign-in URL points here. */
  federation: string;
  /** The console's host (the sign-in URL's Destination). */
  console: string;
}

export const CONSOLE_PARTITIONS: Record<ConsolePartition['id'], ConsolePartition> = {
  aws: { id: 'aws', federation: 'https://signin.aws.amazon.com/federation', console: 'console.aws.amazon.com' },
  'aws-cn': { id: 'aws-cn', federation: 'https://signin.amazonaws.cn/federation', console: 'console.amazonaws.cn' },
  'aws-us-gov': { id: 'aws-us-gov', federation: 'https://signin.amazonaws-us-gov.com/federation', console: 'console.amazonaws-us-gov.com' },
};

export { partitionOfArn, partitionOfRegion } from '../aws/partition.js';

export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/**
 * The console partition for a profile: its ARN (role or MFA device) decides; the region must agree
 * with it (a China region with a commercial-partition role would sign in nowhere).
 */
export function consolePartition(arn: string, region: string | undefined): ConsolePartition {
  const fromArn = partitionOfArn(arn);
  const fromRegion = region ? partitionOfRegion(region) : undefined;
  const id = fromArn ?? fromRegion ?? 'aws';
  if (fromRegion && fromRegion !== id) {
    throw badInput(`region ${region} is in partition ${fromRegion}, but ${arn} is in ${id}`, `pick a region of partition ${id} with --region`);
  }
  const partition = CONSOLE_PARTITIONS[id as ConsolePartition['id']];
  if (!partition) {
    throw badInput(`rolegate knows no console sign-in endpoint for partition ${id}`, 'console sign-in works in the aws, aws-cn and aws-us-gov partitions');
  }
  return partition;
}
