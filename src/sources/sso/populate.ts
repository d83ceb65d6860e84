/**
 * Profiles for the accounts and roles a sign-in can reach (like granted's `sso populate`):
 * ListAccounts and ListAccountRoles (paginated), then one profile per account and role written into
 * the config file through the shared-file editor. Names come from the service (account names are
 * anyone's text): lower-cased, every run of characters outside [a-z0-9_] turned into one `-`, at
 * most 64 characters. A profile is written only when it is new or carries rolegate's mark
 * (`rolegate_populated = sso`); anyone else's profile of the same name is left alone and reported.
 */
import { editSharedFile } from '../../config/sharedFileEditor.js';
import { accessTokenFor } from './accessToken.js';
import type { SsoSession } from './ssoConfig.js';

export const POPULATED_KEY = 'rolegate_populated';
const POPULATED_VALUE = 'sso';

export interface PopulateOptions {
  env: NodeJS.ProcessEnv;
  profile?: string;
  accounts?: string[];
  roles?: string[];
  prefix?: string;
  region?: string;
  dryRun: boolean;
  onWarning?: (message: string) => void;
}

export type PopulateAction = 'written' | 'updated' | 'unchanged' | 'new' | 'update' | 'skipped (not written by rolegate)';

export interface PopulatedProfile {
  profile: string;
  accountId: string;
  accountName: string;
  roleName: string;
  action: PopulateAction;
}

/** A profile name from untrusted text: [a-z0-9_-] only, no leading or trailing dash. */
export function safeProfilePart(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function profileNameFor(prefix: string, accountName: string, accountId: string, roleName: string): string {
  const account = safeProfilePart(accountName) || accountId;
  const role = safeProfilePart(roleName) || 'role';
  return `${safeProfilePart(prefix) ? `${safeProfilePart(prefix)}-` : ''}${account}-${role}`.slice(0, 64).replace(/-+$/, '');
}

async function reachable(session: SsoSession, options: PopulateOptions) {
  const token = await accessTokenFor(session, { env: options.env, profile: options.profile, onWarning: options.onWarning });
  const { portalClient } = await import('./ssoClients.js');
  const { ListAccountsCommand, ListAccountRolesCommand } = await import('@aws-sdk/client-sso');
  const client = portalClient({ region: session.region, env: options.env });
  const found: Array<{ accountId: string; accountName: string; roleName: string }> = [];
  try {
    const accounts: Array<{ accountId: string; accountName: string }> = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListAccountsCommand({ accessToken: token.accessToken, nextToken, maxResults: 100 }));
      for (const a of page.accountList ?? []) if (a.accountId && /^\d{12}$/.test(a.accountId)) accounts.push({ accountId: a.accountId, accountName: a.accountName ?? a.accountId });
      nextToken = page.nextToken;
    } while (nextToken);
    for (const account of accounts) {
      if (options.accounts?.length && !options.accounts.includes(account.accountId)) continue;
      let rolesToken: string | undefined;
      do {
        const page = await client.send(new ListAccountRolesCommand({ accessToken: token.accessToken, accountId: account.accountId, nextToken: rolesToken, maxResults: 100 }));
        for (const r of page.roleList ?? []) {
          if (!r.roleName || (options.roles?.length && !options.roles.includes(r.roleName))) continue;
          // IAM's role name characters; anything else would be written into the config file
          if (!/^[\w+=,.@-]{1,64}$/.test(r.roleName)) {
            options.onWarning?.(`skipped a role of account ${account.accountId} whose name is not an IAM role name`);
            continue;
          }
          found.push({ ...account, roleName: r.roleName });
        }
        rolesToken = page.nextToken;
      } while (rolesToken);
    }
  } finally {
    client.destroy();
  }
  return found;
}

export async function populateProfiles(session: SsoSession, options: PopulateOptions): Promise<{ profiles: PopulatedProfile[] }> {
  const found = await reachable(session, options);
  // accounts whose names read the same once made safe are told apart by their ids, all of them
  const accountsBySafeName = new Map<string, Set<string>>();
  for (const f of found) {
    const key = safeProfilePart(f.accountName) || f.accountId;
    accountsBySafeName.set(key, (accountsBySafeName.get(key) ?? new Set()).add(f.accountId));
  }
  const planned = found.map((f) => {
    const shared = (accountsBySafeName.get(safeProfilePart(f.accountName) || f.accountId)?.size ?? 1) > 1;
    return { ...f, profile: profileNameFor(options.prefix ?? '', shared ? `${f.accountName}-${f.accountId}` : f.accountName, f.accountId, f.roleName) };
  });
  const wanted = (p: (typeof planned)[number]): Record<string, string> => ({
    ...(session.name !== undefined ? { sso_session: session.name } : { sso_start_url: session.startUrl, sso_region: session.region }),
    sso_account_id: p.accountId,
    sso_role_name: p.roleName,
    region: options.region ?? session.region,
    [POPULATED_KEY]: POPULATED_VALUE,
  });
  const results: PopulatedProfile[] = [];
  await editSharedFile(
    'config',
    (doc) => {
      for (const p of planned) {
        const base = { profile: p.profile, accountId: p.accountId, accountName: p.accountName, roleName: p.roleName };
        const exists = doc.hasProfile(p.profile);
        if (exists && doc.getValue(p.profile, POPULATED_KEY) !== POPULATED_VALUE) {
          results.push({ ...base, action: 'skipped (not written by rolegate)' });
          continue;
        }
        const values = wanted(p);
        const changes = Object.entries(values).filter(([k, v]) => doc.getValue(p.profile, k) !== v);
        if (options.dryRun) {
          results.push({ ...base, action: !exists ? 'new' : changes.length ? 'update' : 'unchanged' });
          continue;
        }
        for (const [k, v] of changes) doc.setValue(p.profile, k, v);
        results.push({ ...base, action: !exists ? 'written' : changes.length ? 'updated' : 'unchanged' });
      }
    },
    options.env,
  );
  return { profiles: results };
}
