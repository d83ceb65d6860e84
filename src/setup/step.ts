import type { IAMClient } from '@aws-sdk/client-iam';
import type { SetupOptions } from './options.js';
import type { KeyStore, LongTermKey } from '../keys/keyStore.js';
import type { SetupIO } from './setupIO.js';

/** The steps of setup, in the order they run. Each names one test kill point (see testHooks.ts). */
export const STEP_IDS = [
  'user',
  'read-policy',
  'signin-policy',
  'role',
  'admin-policy',
  'inline-policy',
  'mfa-device',
  'login-profile',
  'access-key',
  'profiles',
  'verify',
  'root-key',
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** exists: nothing to do; create/update: a change; check: runs, changes nothing; skip: not applicable. */
export type Status = 'exists' | 'create' | 'update' | 'check' | 'skip';

export interface PlanItem {
  step: StepId;
  resource: string;
  status: Status;
  /** One line for people: "exists", "will be created", "differs: ...". */
  summary: string;
  /** What differs, one entry per difference. */
  changes?: string[];
  /** The exact policy document rolegate writes, where the step writes one. */
  document?: unknown;
}

export interface Inspection {
  item: PlanItem;
  /** Present when the step has something to do; returns one line about what it did. */
  apply?: () => Promise<string>;
  /** A fault found while reading that stops an apply before any change (a plan still prints). */
  blocker?: Error;
}

export interface Step {
  id: StepId;
  inspect(ctx: SetupContext): Promise<Inspection>;
}

/** The names and ARNs setup works with, derived once from the options and the account. */
export interface SetupNames {
  /** The caller's partition (from GetCallerIdentity): every ARN below is in it. */
  partition: string;
  account: string;
  /** The user's ARN as IAM gives it (GetUser: with its path), or the one CreateUser will make. */
  userArn: string;
  /** The role's ARN as IAM gives it (GetRole), or the one CreateRole will make. */
  roleArn: string;
  mfaSerial: string;
  readPolicyArn: string;
  adminPolicyArn: string;
}

export interface SetupContext {
  options: SetupOptions;
  env: NodeJS.ProcessEnv;
  iam: IAMClient;
  names: SetupNames;
  callerArn: string;
  /** The access key id of the bootstrap credentials (the one a root bootstrap may delete). */
  bootstrapKeyId: string | undefined;
  isRoot: boolean;
  io: SetupIO;
  keyStore(): Promise<KeyStore>;
  /** --plan: nothing is changed, and no store is opened (no keychain, no passphrase). */
  planOnly: boolean;
  /** What the preflight decided: foreign profile keys taken over (--adopt), keys replaced (--replace-key). */
  preflight: {
    adopted: Map<string, Record<string, string>>;
    replacements: { profile: string; accessKeyId: string; userName?: string }[];
  };
  /** Shared between steps of one run. */
  state: {
    /** The MFA serial the profiles name (the adopted device's, or ours). */
    mfaSerial: string;
    /** The key the verify step checks: the new one, or the stored one. */
    key?: LongTermKey;
    keyVerified?: boolean;
    /** --mfa-device yubikey: the key the preflight found, its accounts, and the profiles' mfa_process. */
    yubikey?: { serial?: string; accounts: string[]; command: string };
  };
  /** Test hooks: see testHooks.ts. */
  checkpoint(name: string): void;
  pause(name: string): Promise<void>;
}
