import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { IAMClient } from '@aws-sdk/client-iam';
import { awsCall } from './awsErrors.js';

export interface Bootstrap {
  iam: IAMClient;
  account: string;
  callerArn: string;
  /** The caller's partition (aws, aws-us-gov, aws-cn, ...): every ARN setup and teardown use is in it. */
  partition: string;
  accessKeyId: string | undefined;
  isRoot: boolean;
}

/**
 * Resolves the bootstrap credentials once (default chain, or --bootstrap-profile) and asks STS
 * who they belong to; IAM calls then reuse the same credentials.
 */
export async function openBootstrap(options: { profile?: string; region: string; env: NodeJS.ProcessEnv }): Promise<Bootstrap> {
  const [{ createIamClient }, { createStsClient }] = await Promise.all([import('../aws/iamClient.js'), import('../aws/clients.js')]);
  const sts = createStsClient({ profile: options.profile, region: options.region, env: options.env });
  const identity = await awsCall('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
  const credentials = await awsCall('sts:GetCallerIdentity', () => sts.config.credentials());
  const iam = createIamClient({ credentials, region: options.region, env: options.env });
  const callerArn = identity.Arn ?? '';
  const { partitionOfArn, partitionOfRegion } = await import('../aws/partition.js');
  return {
    partition: partitionOfArn(callerArn) ?? partitionOfRegion(options.region),
    iam,
    account: identity.Account ?? '',
    callerArn,
    accessKeyId: credentials.accessKeyId,
    isRoot: callerArn.endsWith(':root'),
  };
}
