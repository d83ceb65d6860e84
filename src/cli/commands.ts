import type { Command } from 'commander';
import { register as registerRotate } from './rotate.js';
import { register as registerVerify } from './verify.js';
import { register as registerAudit } from './audit.js';
import { register as registerSetup } from './setup.js';
import { register as registerTeardown } from './teardown.js';
import { register as registerEnv } from './env.js';
import { register as registerExec } from './exec.js';
import { register as registerTerraform } from './terraform.js';
import { register as registerStatus } from './status.js';
import { register as registerLogout } from './logout.js';
import { register as registerImport } from './import.js';
import { register as registerConfig } from './config.js';
import { register as registerProfiles } from './profiles.js';
import { register as registerCredentialProcess } from './credentialProcess.js';
import { register as registerDemo } from './demo.js';
import { register as registerCompletion } from './completion.js';
import { register as registerLogin } from './login.js';
import { register as registerSso } from './sso.js';

/** Each command lives in its own file and registers itself here; add new ones to this list. */
export type RegisterCommand = (program: Command) => void;

// In the order `rolegate --help` lists them: the setup's life cycle, daily use, then inspection.
export const commandRegistrations: RegisterCommand[] = [
  registerSetup,
  registerVerify,
  registerAudit,
  registerRotate,
  registerTeardown,
  registerExec,
  registerEnv,
  registerTerraform,
  registerLogin,
  registerSso,
  registerCredentialProcess,
  registerStatus,
  registerLogout,
  registerImport,
  registerProfiles,
  registerConfig,
  registerDemo,
  registerCompletion,
];
