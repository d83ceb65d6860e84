import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamEndpoint, partitionOfArn, partitionOfRegion, stsEndpoint, stsHost } from './partition.js';

test('a region names its partition, as the SDKs\' partitions.json has it', () => {
  assert.equal(partitionOfRegion('us-east-1'), 'aws');
  assert.equal(partitionOfRegion('eu-west-1'), 'aws');
  assert.equal(partitionOfRegion('us-gov-west-1'), 'aws-us-gov');
  assert.equal(partitionOfRegion('cn-north-1'), 'aws-cn');
  assert.equal(partitionOfRegion('us-iso-east-1'), 'aws-iso');
  assert.equal(partitionOfRegion('us-isob-east-1'), 'aws-iso-b');
  assert.equal(partitionOfRegion('eu-isoe-west-1'), 'aws-iso-e');
  assert.equal(partitionOfRegion('us-isof-south-1'), 'aws-iso-f');
  assert.equal(partitionOfRegion('eusc-de-east-1'), 'aws-eusc');
});

test('an ARN names its partition in its second field', () => {
  assert.equal(partitionOfArn('arn:aws:iam::123456789012:user/admin'), 'aws');
  assert.equal(partitionOfArn('arn:aws-us-gov:sts::123456789012:assumed-role/admin/s'), 'aws-us-gov');
  assert.equal(partitionOfArn('arn:aws-iso-b:iam::123456789012:root'), 'aws-iso-b');
  assert.equal(partitionOfArn('arn:foo:iam::123456789012:root'), undefined);
  assert.equal(partitionOfArn('not an arn'), undefined);
});

test('STS regional and IAM endpoints per partition', () => {
  assert.equal(stsHost('us-east-1'), 'sts.us-east-1.amazonaws.com');
  assert.equal(stsEndpoint('us-gov-west-1'), 'https://sts.us-gov-west-1.amazonaws.com');
  assert.equal(stsEndpoint('cn-north-1'), 'https://sts.cn-north-1.amazonaws.com.cn');
  assert.equal(stsEndpoint('us-isob-east-1'), 'https://sts.us-isob-east-1.sc2s.sgov.gov');
  assert.equal(iamEndpoint('eu-west-1'), 'https://iam.amazonaws.com');
  assert.equal(iamEndpoint('us-gov-east-1'), 'https://iam.us-gov.amazonaws.com');
  assert.equal(iamEndpoint('cn-northwest-1'), 'https://iam.cn-north-1.amazonaws.com.cn');
});
