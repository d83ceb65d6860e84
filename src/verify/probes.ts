/**
 * Side-effect-free probes: EC2 DryRun calls (permission checked, nothing created) and IAM's policy
 * simulator. Each returns what it learned, or `unavailable` with the reason.
 */
import { SimulatePrincipalPolicyCommand, type ContextEntry, type IAMClient } from '@aws-sdk/client-iam';
import type { Ec2Client } from './ec2Client.js';
import { isUserError } from '../userError.js';
import { isAwsTransientError } from '../aws/networkErrors.js';

export function errorName(error: unknown): string {
  const e = error as { name?: string; Code?: string };
  return e.Code ?? e.name ?? 'Error';
}

export function errorSummary(error: unknown): string {
  if (isUserError(error)) return error.message; // AwsTransientError: names the call, endpoint and fault
  const e = error as { message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  const message = (e.message ?? '').split('\n')[0]!.slice(0, 200);
  return `${errorName(error)}${status}${message ? `: ${message}` : ''}`;
}

const DENIED = /^(UnauthorizedOperation|AccessDenied|AccessDeniedException|Client\.UnauthorizedOperation)$/;

export type WriteProbe = { outcome: 'allowed' | 'denied'; detail: string } | { outcome: 'unknown'; detail: string };

/** The write: ec2:CreateKeyPair with DryRun. It has no prerequisites, so only the permission decides. */
export const DRY_RUN_WRITE = 'ec2:CreateKeyPair';

export async function probeEc2Write(ec2: Ec2Client): Promise<WriteProbe> {
  try {
    await ec2.call('CreateKeyPair', { KeyName: 'rolegate-verify-dry-run', DryRun: 'true' });
    return { outcome: 'unknown', detail: 'the DryRun call returned success, which EC2 never does for a dry run' };
  } catch (error) {
    const name = errorName(error);
    if (name === 'DryRunOperation') return { outcome: 'allowed', detail: `${DRY_RUN_WRITE} (DryRun): DryRunOperation, would have succeeded` };
    if (DENIED.test(name)) return { outcome: 'denied', detail: `${DRY_RUN_WRITE} (DryRun): ${name}` };
    return { outcome: 'unknown', detail: `${DRY_RUN_WRITE} (DryRun): ${errorSummary(error)}` };
  }
}

export async function probeEc2Read(ec2: Ec2Client): Promise<{ ok: boolean; detail: string }> {
  try {
    const xml = await ec2.call('DescribeInstances', { MaxResults: '5' });
    // one <reservationId> per reservation
    const reservations = xml.match(/<reservationId>/g)?.length ?? 0;
    return { ok: true, detail: `ec2:DescribeInstances succeeded (${reservations} reservations on the first page)` };
  } catch (error) {
    return { ok: false, detail: `ec2:DescribeInstances failed: ${errorSummary(error)}` };
  }
}

export type SimulationResult =
  | { available: true; decisions: Array<{ action: string; decision: string }> }
  | { available: false; reason: string; /** the endpoint could not be reached: the check could not run (a failure, not a skip) */ unreachable?: boolean };

/**
 * IAM's policy simulator for `principalArn`. Any failure (not allowed for this caller, or not
 * implemented, as in moto, which answers HTTP 500) means "unavailable", never a failed check.
 */
export async function simulate(
  iam: IAMClient,
  principalArn: string,
  actions: string[],
  options: { resourceArns?: string[]; context?: ContextEntry[] } = {},
): Promise<SimulationResult> {
  try {
    const decisions: Array<{ action: string; decision: string }> = [];
    let Marker: string | undefined;
    do {
      const page = await iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: principalArn,
          ActionNames: actions,
          ...(options.resourceArns ? { ResourceArns: options.resourceArns } : {}),
          ...(options.context ? { ContextEntries: options.context } : {}),
          Marker,
        }),
      );
      for (const r of page.EvaluationResults ?? []) decisions.push({ action: r.EvalActionName ?? '?', decision: r.EvalDecision ?? '?' });
      Marker = page.IsTruncated ? page.Marker : undefined;
    } while (Marker);
    return { available: true, decisions };
  } catch (error) {
    if (isAwsTransientError(error) && error.kind !== 'server-error') return { available: false, reason: errorSummary(error), unreachable: true };
    const status = ((isAwsTransientError(error) ? error.cause : error) as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status && status >= 500) return { available: false, reason: `iam:SimulatePrincipalPolicy answered HTTP ${status} (not implemented by this endpoint)` };
    return { available: false, reason: errorSummary(error) };
  }
}

export const MFA_ABSENT_CONTEXT: ContextEntry[] = [
  { ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyType: 'boolean', ContextKeyValues: ['false'] },
];
