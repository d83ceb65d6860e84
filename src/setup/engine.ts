import { UserError } from '../userError.js';
import { managedPolicyArn, mfaSerial, roleArn, userArn } from '../policy/arns.js';
import { openBootstrap } from './bootstrap.js';
import type { SetupOptions } from './options.js';
import type { SetupIO } from './setupIO.js';
import type { Inspection, PlanItem, SetupContext, Status, Step } from './step.js';
import { testKillPoint } from './testHooks.js';
import { iamUserStep } from './steps/iamUser.js';
import { adminPolicyStep, readPolicyStep } from './steps/managedPolicy.js';
import { adminRoleStep } from './steps/adminRole.js';
import { inlinePolicyStep } from './steps/inlinePolicy.js';
import { mfaDeviceStep } from './steps/mfaDevice.js';
import { accessKeyStep } from './steps/accessKey.js';
import { profilesStep } from './steps/profiles.js';
import { verifyKeyStep } from './steps/verifyKey.js';
import { rootKeyStep } from './steps/rootKey.js';

/** The steps in order: each reads the current state, says what differs, and applies it. */
export const SETUP_STEPS: Step[] = [
  iamUserStep,
  readPolicyStep,
  adminRoleStep,
  adminPolicyStep,
  inlinePolicyStep,
  mfaDeviceStep,
  accessKeyStep,
  profilesStep,
  verifyKeyStep,
  rootKeyStep,
];

/** Steps whose apply talks to the person, so no spinner runs over them. */
const INTERACTIVE = new Set(['mfa-device', 'root-key']);

export interface StepOutcome {
  step: string;
  resource: string;
  action: 'unchanged' | 'applied' | 'checked' | 'skipped';
  detail: string;
}

export interface SetupReport {
  account: string;
  callerArn: string;
  userArn: string;
  roleArn: string;
  mfaSerial: string;
  plan: PlanItem[];
  /** Absent for --plan. */
  result?: { changed: boolean; steps: StepOutcome[] };
}

const isChange = (status: Status) => status === 'create' || status === 'update';
const MARK: Record<Status, string> = { create: '+', update: '~', exists: '=', check: '?', skip: '-' };

export function formatPlanItem(item: PlanItem, withDocument: boolean): string {
  const lines = [`  ${MARK[item.status]} ${item.resource}: ${item.summary}`];
  for (const change of item.changes ?? []) lines.push(`      ${change}`);
  if (withDocument && item.document !== undefined) {
    lines.push(...JSON.stringify(item.document, null, 2).split('\n').map((l) => `      ${l}`));
  }
  return lines.join('\n');
}

export async function runSetup(options: SetupOptions & { plan: boolean }, io: SetupIO, env: NodeJS.ProcessEnv): Promise<SetupReport> {
  const boot = await openBootstrap({ profile: options.bootstrapProfile, region: options.region, env });
  if (boot.isRoot) {
    io.line(
      `warning: setup is running with the account root's access key (${boot.callerArn}). Root keys should not exist;\n` +
        '  once the new user works, setup offers to delete this one (--delete-root-keys).',
    );
  }
  const names = {
    account: boot.account,
    userArn: userArn(boot.account, options.userName),
    roleArn: roleArn(boot.account, options.roleName),
    mfaSerial: mfaSerial(boot.account, options.userName),
    readPolicyArn: managedPolicyArn(options.readPolicy),
    adminPolicyArn: managedPolicyArn(options.adminPolicy),
  };
  let store: Awaited<ReturnType<SetupContext['keyStore']>> | undefined;
  const ctx: SetupContext = {
    options,
    env,
    iam: boot.iam,
    names,
    callerArn: boot.callerArn,
    bootstrapKeyId: boot.accessKeyId,
    isRoot: boot.isRoot,
    io,
    keyStore: async () => {
      if (!store) {
        const { openKeyStore } = await import('../credentials/keyStore.js');
        store = await openKeyStore(options.store, { env });
      }
      return store;
    },
    state: { mfaSerial: names.mfaSerial },
    checkpoint: (name) => testKillPoint(env, name),
  };

  const inspections: Inspection[] = [];
  for (const step of SETUP_STEPS) inspections.push(await step.inspect(ctx));
  const plan = inspections.map((i) => i.item);
  const report: SetupReport = {
    account: names.account,
    callerArn: boot.callerArn,
    userArn: names.userArn,
    roleArn: names.roleArn,
    mfaSerial: ctx.state.mfaSerial,
    plan,
  };
  const changes = plan.filter((item) => isChange(item.status));

  if (options.plan) {
    io.line(`Plan for account ${names.account} (as ${boot.callerArn}):`);
    for (const item of plan) io.line(formatPlanItem(item, true));
    io.line(changes.length ? `${changes.length} change(s); run without --plan to apply.` : 'Nothing to change.');
    for (const i of inspections) if (i.blocker) io.line(`note: ${i.blocker.message}`);
    return report;
  }

  const blocker = inspections.find((i) => i.blocker)?.blocker;
  if (blocker) throw blocker;
  if (changes.length && io.canAsk && !options.yes) {
    io.line(`Plan for account ${names.account} (as ${boot.callerArn}):`);
    for (const item of plan) io.line(formatPlanItem(item, isChange(item.status)));
    if (!(await io.confirm('Apply these changes?'))) throw new UserError('setup cancelled; nothing was changed', { next: 'run setup again when ready, or add --yes' });
  }

  const outcomes: StepOutcome[] = [];
  let changed = false;
  for (const step of SETUP_STEPS) {
    const inspection = await step.inspect(ctx);
    if (inspection.blocker) throw inspection.blocker;
    const { item } = inspection;
    let outcome: StepOutcome;
    if (inspection.apply) {
      const detail = INTERACTIVE.has(step.id) ? await inspection.apply() : await io.step(`${item.resource}...`, inspection.apply);
      const kept = step.id === 'root-key' && detail.startsWith('kept');
      const action = item.status === 'check' ? 'checked' : kept ? 'unchanged' : 'applied';
      if (action === 'applied') changed = true;
      outcome = { step: step.id, resource: item.resource, action, detail };
      io.line(`${action === 'checked' ? '✔' : '+'} ${item.resource}: ${detail}`);
    } else {
      outcome = { step: step.id, resource: item.resource, action: item.status === 'skip' ? 'skipped' : 'unchanged', detail: item.summary };
      io.line(`${item.status === 'skip' ? '-' : '='} ${item.resource}: ${item.summary}`);
    }
    outcomes.push(outcome);
    ctx.checkpoint(step.id);
  }
  report.mfaSerial = ctx.state.mfaSerial;
  report.result = { changed, steps: outcomes };
  io.line(
    changed
      ? `Setup complete. Read-only: aws sts get-caller-identity; elevated: aws --profile ${options.adminProfile} sts get-caller-identity`
      : 'Nothing changed: everything was already set up.',
  );
  return report;
}
