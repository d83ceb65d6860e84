import { UserError } from '../userError.js';
import { quotePosix } from '../shellQuote.js';
import { managedPolicyArn, mfaSerial, roleArn, userArn } from '../policy/arns.js';
import { stoppedAt } from './awsErrors.js';
import { openBootstrap } from './bootstrap.js';
import { readRole, readUser } from './iamReads.js';
import type { SetupOptions } from './options.js';
import type { SetupIO } from './setupIO.js';
import type { Inspection, PlanItem, SetupContext, Status, Step } from './step.js';
import { testKillPoint, testPausePoint } from './testHooks.js';
import { onInterrupt } from '../interrupt.js';
import { preflightError, setupPreflight, throwProblems } from './preflight.js';
import { iamUserStep } from './steps/iamUser.js';
import { adminPolicyStep, readPolicyStep } from './steps/managedPolicy.js';
import { adminRoleStep } from './steps/adminRole.js';
import { inlinePolicyStep } from './steps/inlinePolicy.js';
import { mfaDeviceStep } from './steps/mfaDevice.js';
import { accessKeyStep } from './steps/accessKey.js';
import { profilesStep } from './steps/profiles.js';
import { verifyKeyStep } from './steps/verifyKey.js';
import { rootKeyStep } from './steps/rootKey.js';
import { loginProfileStep, signinPolicyStep } from './steps/consoleSignIn.js';

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

/**
 * --identity console: no access key (nor its check, nor a root key deleted on its proof); the user
 * signs in with a console password and its MFA device, through `aws login`.
 */
export const CONSOLE_SETUP_STEPS: Step[] = [
  iamUserStep,
  readPolicyStep,
  signinPolicyStep,
  adminRoleStep,
  adminPolicyStep,
  inlinePolicyStep,
  mfaDeviceStep,
  loginProfileStep,
  profilesStep,
];

export function setupSteps(options: Pick<SetupOptions, 'identity'>): Step[] {
  return options.identity === 'console' ? CONSOLE_SETUP_STEPS : SETUP_STEPS;
}

/** Steps whose apply talks to the person, so no spinner runs over them. */
const INTERACTIVE = new Set(['mfa-device', 'root-key', 'login-profile']);

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

/** The commands that finish or undo a setup, for the message an interruption prints. */
export interface SetupCommands {
  again: string;
  undo: string;
}

export async function runSetup(
  options: SetupOptions & { plan: boolean },
  io: SetupIO,
  env: NodeJS.ProcessEnv,
  commands?: SetupCommands,
): Promise<SetupReport> {
  // Ctrl-C or SIGTERM anywhere: say what exists now and how to finish or undo it (exit 130)
  const done: string[] = [];
  let current: string | undefined;
  const stopWatching = commands
    ? onInterrupt(() =>
        done.length === 0 && current === undefined
          ? `setup was interrupted before it changed anything.\nto set up, run the same command again: ${commands.again}`
          : [
              'setup was interrupted. What exists now:',
              ...done.map((line) => `  ${line}`),
              ...(current ? [`  ? ${current}: was in progress (it may exist in part)`] : []),
              `to complete it, run the same command again: ${commands.again}`,
              `to undo it instead: ${commands.undo}`,
            ].join('\n'),
      )
    : () => undefined;
  try {
    return await runSteps(options, io, env, {
      applied: (line) => done.push(line),
      starting: (resource) => (current = resource),
    });
  } finally {
    stopWatching();
  }
}

async function runSteps(
  options: SetupOptions & { plan: boolean },
  io: SetupIO,
  env: NodeJS.ProcessEnv,
  progress: { applied(line: string): void; starting(resource: string | undefined): void },
): Promise<SetupReport> {
  const nothingYet = (error: unknown) => {
    throw stoppedAt(error, undefined, []);
  };
  const boot = await openBootstrap({ profile: options.bootstrapProfile, region: options.region, env }).catch(nothingYet);
  if (boot.isRoot) {
    io.line(
      `warning: setup is running with the account root's access key (${boot.callerArn}). Root keys should not exist;\n` +
        '  once the new user works, setup offers to delete this one (--delete-root-keys).',
    );
  }
  // an existing user's or role's ARN is IAM's (it keeps a path); only what setup creates is built
  const { partition, account } = boot;
  const [existingUser, existingRole] = await Promise.all([readUser(boot.iam, options.userName), readRole(boot.iam, options.roleName)]).catch(nothingYet);
  const names = {
    partition,
    account,
    userArn: existingUser?.Arn ?? userArn(partition, account, options.userName),
    roleArn: existingRole?.Arn ?? roleArn(partition, account, options.roleName),
    mfaSerial: mfaSerial(partition, account, options.userName),
    readPolicyArn: managedPolicyArn(options.readPolicy, partition),
    adminPolicyArn: managedPolicyArn(options.adminPolicy, partition),
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
        const { openKeyStore } = await import('../keys/keyStore.js');
        store = await openKeyStore(options.store, { env });
      }
      return store;
    },
    state: { mfaSerial: names.mfaSerial },
    checkpoint: (name) => testKillPoint(env, name),
    pause: (name) => testPausePoint(env, name),
    planOnly: options.plan,
    preflight: { adopted: new Map(), replacements: [] },
  };

  // the preflight: every problem at once, before the first change (a plan shows the same ones)
  const pre = await setupPreflight(ctx, options.plan);
  ctx.preflight = { adopted: pre.adopted, replacements: pre.replacements };
  if (pre.store) store = pre.store;
  if (!options.plan) throwProblems('setup', pre.problems);

  const inspections: Inspection[] = [];
  const steps = setupSteps(options);
  for (const step of steps) inspections.push(await step.inspect(ctx).catch(nothingYet));
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
    for (const r of pre.replacements) io.line(`  ~ the key ${r.accessKeyId} under profile ${r.profile}: will be replaced (--replace-key)${r.userName ? `, and deleted in IAM (user ${r.userName}) once the new key works` : ''}`);
    const blockers = inspections.flatMap((i) => (i.blocker ? [i.blocker] : []));
    if (pre.problems.length || blockers.length) {
      // the run would refuse: the plan says so and exits non-zero, as the run would
      const problems = [...pre.problems, ...blockers.map((b) => ({ message: b.message, next: b instanceof UserError ? b.next : undefined, refusal: b instanceof UserError && b.exitCode === 2 }))];
      io.line('Setup would stop before changing anything; see below.');
      throw preflightError('setup', problems);
    }
    io.line(changes.length ? `${changes.length} change(s); run without --plan to apply.` : 'Nothing to change.');
    return report;
  }

  const blocker = inspections.find((i) => i.blocker)?.blocker;
  if (blocker) throw blocker;
  if (changes.length && io.canAsk && !options.yes) {
    io.line(`Plan for account ${names.account} (as ${boot.callerArn}):`);
    for (const item of plan) io.line(formatPlanItem(item, isChange(item.status)));
    if (!(await io.confirm('Apply these changes?'))) throw new UserError('setup cancelled; nothing was changed', { next: 'run setup again when ready, or add --yes' });
  }

  // the record of this setup, before its first change: every later command finds it by any name
  await recordSetup(ctx, false);

  const outcomes: StepOutcome[] = [];
  let changed = false;
  for (const step of steps) {
    const doneSoFar = () => outcomes.filter((o) => o.action === 'applied').map((o) => `${o.resource} (${o.detail})`);
    const inspection = await step.inspect(ctx).catch((error: unknown) => {
      throw stoppedAt(error, `the ${step.id} step`, doneSoFar());
    });
    if (inspection.blocker) throw inspection.blocker;
    const { item } = inspection;
    let outcome: StepOutcome;
    if (inspection.apply) {
      if (item.status !== 'check') progress.starting(item.resource);
      const apply = inspection.apply;
      const detail = await (INTERACTIVE.has(step.id) ? apply() : io.step(`${item.resource}...`, apply)).catch((error: unknown) => {
        throw stoppedAt(error, item.resource, doneSoFar());
      });
      progress.starting(undefined);
      const kept = step.id === 'root-key' && detail.startsWith('kept');
      const action = item.status === 'check' ? 'checked' : kept ? 'unchanged' : 'applied';
      if (action === 'applied') changed = true;
      outcome = { step: step.id, resource: item.resource, action, detail };
      io.line(`${action === 'checked' ? '✔' : '+'} ${item.resource}: ${detail}`);
    } else {
      outcome = { step: step.id, resource: item.resource, action: item.status === 'skip' ? 'skipped' : 'unchanged', detail: item.summary };
      io.line(`${item.status === 'skip' ? '-' : '='} ${item.resource}: ${item.summary}`);
    }
    if (outcome.action !== 'skipped' && outcome.action !== 'checked') progress.applied(`${outcome.action === 'applied' ? '+' : '='} ${outcome.resource}: ${outcome.detail}`);
    outcomes.push(outcome);
    ctx.checkpoint(step.id);
  }
  // --replace-key: the key the profile held is deleted in IAM now that ours works (none left active)
  for (const r of ctx.preflight.replacements) {
    if (!r.userName || !ctx.state.keyVerified) {
      if (r.userName) io.line(`! the replaced key ${r.accessKeyId} of user ${r.userName} is still active: delete it once the new key works (aws iam delete-access-key --user-name ${r.userName} --access-key-id ${r.accessKeyId})`);
      continue;
    }
    const { DeleteAccessKeyCommand } = await import('@aws-sdk/client-iam');
    const { awsCall } = await import('./awsErrors.js');
    await awsCall('iam:DeleteAccessKey', () => ctx.iam.send(new DeleteAccessKeyCommand({ UserName: r.userName, AccessKeyId: r.accessKeyId })));
    progress.applied(`+ replaced key ${r.accessKeyId} of user ${r.userName}: deleted`);
    io.line(`+ the replaced key ${r.accessKeyId} of user ${r.userName}: deleted in IAM`);
    changed = true;
  }
  report.mfaSerial = ctx.state.mfaSerial;
  report.result = { changed, steps: outcomes };
  await recordSetup(ctx, true);
  if (options.identity === 'console') {
    const profileFlag = options.readProfile === 'default' ? '' : ` --profile ${quotePosix(options.readProfile)}`;
    io.line(
      `${changed ? 'Setup complete' : 'Nothing changed: everything was already set up'} in account ${names.account}, with no access key. ` +
        `Next: sign in with aws login${profileFlag} (AWS CLI 2.32 or later): the console password above, then a new one, and an MFA code. ` +
        `Then read-only: aws${profileFlag} sts get-caller-identity; elevated (an MFA code, 1 h role sessions): aws --profile ${quotePosix(options.adminProfile)} sts get-caller-identity`,
    );
    if (boot.isRoot) io.line(`note: the root access key setup ran with is kept (no new key to prove elevation with): delete it once aws login and the admin profile work.`);
    return report;
  }
  io.line(
    changed
      ? `Setup complete in account ${names.account}. Read-only: aws ${options.readProfile === 'default' ? '' : `--profile ${quotePosix(options.readProfile)} `}sts get-caller-identity; ` +
        `elevated: aws --profile ${quotePosix(options.adminProfile)} sts get-caller-identity`
      : 'Nothing changed: everything was already set up.',
  );
  const advice = await bootstrapKeyAdvice(ctx, options);
  if (advice) io.line(advice);
  return report;
}

/**
 * Writes what this setup is (setups/setupRecord.ts). The user's and the role's ARNs are IAM's: read
 * from GetUser/GetRole for ones that existed (a path kept), built for the ones setup creates (it
 * gives them no path, so IAM's ARN is the same). Nothing is read again at the end: the bootstrap
 * key may be a root key setup has just deleted.
 */
async function recordSetup(ctx: SetupContext, complete: boolean): Promise<void> {
  const o = ctx.options;
  const [{ saveSetupRecord }, { sharedFilePaths }] = await Promise.all([import('../setups/setupRecord.js'), import('../config/sharedFilePaths.js')]);
  const { userArn, roleArn } = ctx.names;
  await saveSetupRecord(ctx.env, {
    configFile: sharedFilePaths(ctx.env).configFile,
    readProfile: o.readProfile,
    adminProfile: o.adminProfile,
    account: ctx.names.account,
    partition: ctx.names.partition,
    userName: o.userName,
    userArn,
    roleName: o.roleName,
    roleArn,
    mfaSerial: ctx.state.mfaSerial,
    ...(ctx.state.key ? { accessKeyId: ctx.state.key.accessKeyId } : {}),
    store: o.identity === 'console' ? 'none' : o.store,
    ...(o.identity === 'console' ? { identity: 'console' as const } : {}),
    trust: o.trust,
    roleChain: o.roleChain,
    region: o.region,
    complete,
  });
}

/**
 * After setup with a bootstrap key that sits in plaintext in a profile: what to do with it. An
 * administrator key should not stay on the laptop once the new setup works.
 */
async function bootstrapKeyAdvice(ctx: SetupContext, options: SetupOptions): Promise<string | undefined> {
  const id = ctx.bootstrapKeyId;
  if (!id || ctx.isRoot || ctx.env.AWS_ACCESS_KEY_ID) return undefined;
  const profile = options.bootstrapProfile ?? ctx.env.AWS_PROFILE ?? 'default';
  const [{ readSharedProfiles }, { sharedFilePaths }] = await Promise.all([import('../config/profiles.js'), import('../config/sharedFilePaths.js')]);
  const shared = await readSharedProfiles(ctx.env);
  if (shared.credentials.get(profile)?.aws_access_key_id !== id) return undefined;
  const user = /:user\/(?:[^/]+\/)*([^/]+)$/.exec(ctx.callerArn)?.[1];
  const file = sharedFilePaths(ctx.env).credentialsFile;
  return (
    `note: the key setup ran with (${id}, ${ctx.callerArn}) is still in plaintext in [${profile}] of ${file}.\n` +
    `  Once the new setup works (aws --profile ${quotePosix(options.readProfile)} sts get-caller-identity; aws --profile ${quotePosix(options.adminProfile)} sts get-caller-identity), delete it:\n` +
    `    aws --profile ${quotePosix(options.adminProfile)} iam delete-access-key${user ? ` --user-name ${quotePosix(user)}` : ''} --access-key-id ${id}\n` +
    `  and remove the [${profile}] section from ${file}. An administrator key kept for later belongs in a password manager, not in ~/.aws.`
  );
}
