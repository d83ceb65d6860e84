/**
 * verify's two EC2 calls (DescribeInstances, and CreateKeyPair with DryRun) as signed EC2 Query API
 * requests made with the SDK's own core: Signature V4 from @smithy/signature-v4, sent by the SDK's
 * Node request handler (the proxy-aware one src/aws/clients.ts makes when a proxy is set), with
 * the region, endpoint (AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL) and credentials clients.ts gives
 * IAM and STS. @aws-sdk/client-ec2 did the same for these two calls at 28 MB installed (1 MB bundled).
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, SourceData } from '@aws-sdk/types';
import { clientConfig, createStsClient, type ClientOptions } from '../aws/clients.js';

const API_VERSION = '2016-11-15';

/** An EC2 error as the SDK shapes one: `name` and `Code` are EC2's error code. */
export class Ec2Error extends Error {
  readonly Code: string;
  readonly $metadata: { httpStatusCode: number };
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.Code = code;
    this.$metadata = { httpStatusCode: status };
  }
}

export interface Ec2Client {
  /** One Query API action; resolves to the response XML, rejects with an Ec2Error. */
  call(action: string, params?: Record<string, string>): Promise<string>;
}

const toBytes = (data: ArrayBuffer | ArrayBufferView): Uint8Array =>
  ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** SHA-256 (and HMAC-SHA-256 with a key) in the shape the signer takes. */
class Sha256 {
  private hash: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret instanceof ArrayBuffer || ArrayBuffer.isView(secret) ? toBytes(secret) : secret;
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: SourceData): void {
    this.hash.update(typeof data === 'string' ? data : toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** The public endpoint for a region: the China regions have their own DNS suffix. */
function defaultEndpoint(region: string): string {
  return `https://ec2.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

const xmlText = (xml: string, tag: string): string | undefined =>
  new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1]?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

// What the SDK's standard retry strategy retries: throttling, server errors, dropped connections.
const RETRIED = /^(RequestLimitExceeded|Throttling|ThrottlingException|InternalError|Unavailable|ServiceUnavailable)$/;
const DROPPED = /^(ECONNRESET|EPIPE|ETIMEDOUT|TimeoutError)$/;

export function createEc2Client(options: ClientOptions & { maxAttempts?: number } = {}): Ec2Client {
  const { config, guard } = clientConfig('EC2', options);
  const url = new URL(config.endpoint ?? defaultEndpoint(config.region));
  const handler = NodeHttpHandler.create(config.requestHandler);
  // Without explicit credentials, the SDK's default chain for this profile, as an STS client resolves it.
  const credentials = options.credentials ?? (() => createStsClient(options).config.credentials() as Promise<AwsCredentialIdentity>);
  const signer = new SignatureV4({ service: 'ec2', region: config.region, credentials, sha256: Sha256 });

  async function once(action: string, params: Record<string, string>): Promise<string> {
    const body = new URLSearchParams({ Action: action, Version: API_VERSION, ...params }).toString();
    const request = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname || '/',
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
    const { response } = await handler.handle(request as Parameters<typeof handler.handle>[0]);
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    const xml = Buffer.concat(chunks).toString('utf8');
    if (response.statusCode >= 200 && response.statusCode < 300) return xml;
    throw new Ec2Error(xmlText(xml, 'Code') ?? `HTTP${response.statusCode}`, xmlText(xml, 'Message') ?? '', response.statusCode);
  }

  return {
    call: (action, params = {}) => guard(`ec2:${action}`, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(action, params);
        } catch (error) {
          const e = error as { code?: string; name?: string };
          const transient = error instanceof Ec2Error ? RETRIED.test(error.Code) || error.$metadata.httpStatusCode >= 500 : DROPPED.test(e.code ?? e.name ?? '');
          if (!transient || attempt >= config.maxAttempts) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
        }
      }
    }),
  };
}
