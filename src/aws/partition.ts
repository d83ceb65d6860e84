/**
 * AWS partitions: which partition a region or an ARN is in, and the endpoint host names that
 * differ by partition. One place for these facts: every ARN rolegate writes, the STS and IAM
 * endpoints and the console's sign-in endpoints (console/partition.ts) follow from here.
 *
 * Sources: the SDKs' partitions.json (regionRegex and dnsSuffix per partition, as in
 * @smithy/util-endpoints and botocore's endpoints.json); AWS's "Amazon Resource Names" page (the
 * partition is the ARN's second field); the STS and IAM endpoint tables in the AWS General
 * Reference (sts.REGION.DNS_SUFFIX; iam.amazonaws.com, iam.us-gov.amazonaws.com,
 * iam.cn-north-1.amazonaws.com.cn).
 */

export interface Partition {
  id: string;
  /** The domain endpoints end in (sts.REGION.<dnsSuffix>). */
  dnsSuffix: string;
  /** IAM is global per partition: its one endpoint host. */
  iamHost: string;
  /** The region IAM requests are signed for. */
  iamRegion: string;
}

export const PARTITIONS: Record<string, Partition> = {
  aws: { id: 'aws', dnsSuffix: 'amazonaws.com', iamHost: 'iam.amazonaws.com', iamRegion: 'us-east-1' },
  'aws-cn': { id: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', iamHost: 'iam.cn-north-1.amazonaws.com.cn', iamRegion: 'cn-north-1' },
  'aws-us-gov': { id: 'aws-us-gov', dnsSuffix: 'amazonaws.com', iamHost: 'iam.us-gov.amazonaws.com', iamRegion: 'us-gov-west-1' },
  'aws-iso': { id: 'aws-iso', dnsSuffix: 'c2s.ic.gov', iamHost: 'iam.us-iso-east-1.c2s.ic.gov', iamRegion: 'us-iso-east-1' },
  'aws-iso-b': { id: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov', iamHost: 'iam.us-isob-east-1.sc2s.sgov.gov', iamRegion: 'us-isob-east-1' },
  'aws-iso-e': { id: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk', iamHost: 'iam.eu-isoe-west-1.cloud.adc-e.uk', iamRegion: 'eu-isoe-west-1' },
  'aws-iso-f': { id: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov', iamHost: 'iam.us-isof-south-1.csp.hci.ic.gov', iamRegion: 'us-isof-south-1' },
  'aws-eusc': { id: 'aws-eusc', dnsSuffix: 'amazonaws.eu', iamHost: 'iam.eusc-de-east-1.amazonaws.eu', iamRegion: 'eusc-de-east-1' },
};

/** The partition a region belongs to, from its name (cn-north-1, us-gov-west-1, ...). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** The partition named in an ARN (arn:PARTITION:...), if it is one. */
export function partitionOfArn(arn: string): string | undefined {
  return /^arn:(aws(?:-[a-z]+)*):/.exec(arn)?.[1];
}

/** A partition's facts; an unknown one is taken as a commercial-like partition with AWS's own domain. */
export function partitionInfo(id: string): Partition {
  return PARTITIONS[id] ?? { id, dnsSuffix: 'amazonaws.com', iamHost: 'iam.amazonaws.com', iamRegion: 'us-east-1' };
}

/** The DNS suffix of a region's endpoints (amazonaws.com, amazonaws.com.cn, ...). */
export function dnsSuffixOfRegion(region: string): string {
  return partitionInfo(partitionOfRegion(region)).dnsSuffix;
}

/** STS's regional endpoint host for a region: sts.us-gov-west-1.amazonaws.com, sts.cn-north-1.amazonaws.com.cn. */
export function stsHost(region: string): string {
  return `sts.${region}.${dnsSuffixOfRegion(region)}`;
}

/** STS's regional endpoint URL for a region. */
export function stsEndpoint(region: string): string {
  return `https://${stsHost(region)}`;
}

/** IAM's endpoint URL for the partition a region is in. */
export function iamEndpoint(region: string): string {
  return `https://${partitionInfo(partitionOfRegion(region)).iamHost}`;
}
