import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONSOLE_PARTITIONS, consolePartition, partitionOfRegion } from './partition.js';
import { destinationUrl, signinTokenRequestUrl, signinUrl } from './signinUrl.js';

const aws = CONSOLE_PARTITIONS.aws;

test('the partition comes from the ARN; the region must agree with it', () => {
  assert.equal(consolePartition('arn:aws:iam::123456789012:role/admin', 'eu-west-1').federation, 'https://signin.aws.amazon.com/federation');
  assert.equal(consolePartition('arn:aws-us-gov:iam::123456789012:role/admin', 'us-gov-west-1').federation, 'https://signin.amazonaws-us-gov.com/federation');
  assert.equal(consolePartition('arn:aws-us-gov:iam::123456789012:role/admin', undefined).console, 'console.amazonaws-us-gov.com');
  assert.equal(consolePartition('arn:aws-cn:iam::123456789012:mfa/admin', 'cn-north-1').federation, 'https://signin.amazonaws.cn/federation');
  assert.equal(consolePartition('arn:aws-cn:iam::123456789012:mfa/admin', 'cn-northwest-1').console, 'console.amazonaws.cn');
  assert.throws(() => consolePartition('arn:aws:iam::123456789012:role/admin', 'cn-north-1'), /region cn-north-1 is in partition aws-cn, but .* is in aws/);
  assert.throws(() => consolePartition('arn:aws-iso:iam::123456789012:role/admin', 'us-iso-east-1'), /no console sign-in endpoint for partition aws-iso/);
  assert.equal(partitionOfRegion('us-east-1'), 'aws');
  assert.equal(partitionOfRegion('us-isob-east-1'), 'aws-iso-b');
});

test('getSigninToken carries the session as JSON with sessionId, sessionKey, sessionToken; SessionDuration only when asked', () => {
  const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'se/cr+et=', sessionToken: 'to ken&x' };
  const url = new URL(signinTokenRequestUrl(aws.federation, credentials));
  assert.equal(url.origin + url.pathname, 'https://signin.aws.amazon.com/federation');
  assert.deepEqual([...url.searchParams.keys()], ['Action', 'Session']);
  assert.equal(url.searchParams.get('Action'), 'getSigninToken');
  assert.deepEqual(JSON.parse(url.searchParams.get('Session')!), { sessionId: 'ASIAEXAMPLE', sessionKey: 'se/cr+et=', sessionToken: 'to ken&x' });
  assert.ok(!url.search.includes('se/cr+et='), 'form-encoded');
  const longer = new URL(signinTokenRequestUrl(aws.federation, credentials, 43_200));
  assert.deepEqual([...longer.searchParams.keys()], ['Action', 'SessionDuration', 'Session']);
  assert.equal(longer.searchParams.get('SessionDuration'), '43200');
});

test('the destination: the console home, a path, or a console URL of the same partition, with the region', () => {
  assert.equal(destinationUrl(aws, 'us-east-1', undefined), 'https://console.aws.amazon.com/console/home?region=us-east-1');
  assert.equal(destinationUrl(aws, undefined, undefined), 'https://console.aws.amazon.com/console/home');
  assert.equal(destinationUrl(aws, 'eu-west-1', 's3/home'), 'https://console.aws.amazon.com/s3/home?region=eu-west-1');
  assert.equal(destinationUrl(aws, 'eu-west-1', '/ec2/home#Instances'), 'https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances');
  assert.equal(destinationUrl(aws, 'eu-west-1', 'ec2/home?region=us-west-2'), 'https://console.aws.amazon.com/ec2/home?region=us-west-2', 'a region in the page wins');
  assert.equal(destinationUrl(aws, 'eu-west-1', 'https://eu-west-1.console.aws.amazon.com/iam/home'), 'https://eu-west-1.console.aws.amazon.com/iam/home?region=eu-west-1');
  assert.equal(destinationUrl(CONSOLE_PARTITIONS['aws-cn'], 'cn-north-1', 's3/home'), 'https://console.amazonaws.cn/s3/home?region=cn-north-1');
  assert.throws(() => destinationUrl(aws, 'us-east-1', 'https://evil.example/console.aws.amazon.com'), /not a page of the aws console/);
  assert.throws(() => destinationUrl(aws, 'us-east-1', 'http://console.aws.amazon.com/s3'), /not a page of the aws console/);
  assert.throws(() => destinationUrl(aws, 'us-east-1', 'https://console.amazonaws.cn/s3'), /not a page of the aws console/);
});

test('the sign-in URL: Action=login, Destination and SigninToken, on the partition federation endpoint', () => {
  const url = new URL(signinUrl(CONSOLE_PARTITIONS['aws-us-gov'], 'tok+en/=', 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1'));
  assert.equal(url.origin + url.pathname, 'https://signin.amazonaws-us-gov.com/federation');
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    Action: 'login',
    Destination: 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1',
    SigninToken: 'tok+en/=',
  });
});
