/**
 * A JavaScript SDK v3 client for the interop tests: the STS client with the SDK's default
 * credential chain (as any Node tool gets it), calling GetCallerIdentity argv[2] times, a second
 * apart; prints one JSON line per call with the caller's ARN and the access key it signed with.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const calls = Number(process.argv[2] ?? '1');
const client = new STSClient({});
for (let i = 0; i < calls; i++) {
  const { Arn } = await client.send(new GetCallerIdentityCommand({}));
  const credentials = await client.config.credentials();
  process.stdout.write(JSON.stringify({ arn: Arn, key: credentials.accessKeyId }) + '\n');
  if (i + 1 < calls) await new Promise((resolve) => setTimeout(resolve, 1000));
}
