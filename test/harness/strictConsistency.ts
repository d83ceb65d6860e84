/**
 * IAM's eventual consistency, for the strict AWS layer (strictAws.ts): AWS documents that changes to
 * IAM "take time to become visible" everywhere (IAM User Guide, "Troubleshoot IAM" and "Changes that
 * I make are not always immediately visible"): a new access key can be refused for a few seconds
 * (InvalidClientTokenId), a new role or a new policy can deny AssumeRole for a while
 * (AccessDenied), and a listing can lag a create. moto is consistent at once, so the layer adds the
 * lag, each part configurable (milliseconds; 0, the default, turns it off):
 *
 * - `newKeyMs`: a request signed with an access key created less than this ago is refused with
 *   InvalidClientTokenId (403, "The security token included in the request is invalid.").
 * - `newRoleMs`: AssumeRole on a role created, or whose trust policy was changed, less than this
 *   ago is refused with AccessDenied, as an unauthorized caller is.
 * - `newPolicyMs`: AssumeRole by a user whose own policies (PutUserPolicy, AttachUserPolicy) changed
 *   less than this ago is refused with AccessDenied.
 * - `listingLagMs`: ListAccessKeys leaves out keys created less than this ago.
 *
 * A module of its own so that other rules of the layer grow apart from it.
 */

export interface ConsistencyLag {
  newKeyMs: number;
  newRoleMs: number;
  newPolicyMs: number;
  listingLagMs: number;
}

export const NO_LAG: ConsistencyLag = { newKeyMs: 0, newRoleMs: 0, newPolicyMs: 0, listingLagMs: 0 };

export interface Propagation {
  /** Sets the lag (parts not named keep their value). */
  set(lag: Partial<ConsistencyLag>): void;
  reset(): void;
  lag(): ConsistencyLag;
  /** A create or change seen in a successful IAM answer. */
  noteKey(accessKeyId: string): void;
  noteRole(roleKey: string): void;
  notePolicy(userKey: string): void;
  keyNotYetValid(accessKeyId: string | null): boolean;
  /** Whether AssumeRole on `roleKey` by user `userKey` (if a user) is denied while IAM spreads. */
  assumeNotYetAllowed(roleKey: string, userKey: string | undefined): boolean;
  /** ListAccessKeys's answer without the keys the listing does not show yet. */
  lagListing(body: string): string;
}

export function createPropagation(now: () => number): Propagation {
  let lag = { ...NO_LAG };
  const keys = new Map<string, number>();
  const roles = new Map<string, number>();
  const policies = new Map<string, number>();
  const young = (at: number | undefined, ms: number) => at !== undefined && ms > 0 && now() - at < ms;
  return {
    set: (next) => void (lag = { ...lag, ...next }),
    reset() {
      lag = { ...NO_LAG };
      keys.clear();
      roles.clear();
      policies.clear();
    },
    lag: () => ({ ...lag }),
    noteKey: (id) => void keys.set(id, now()),
    noteRole: (key) => void roles.set(key, now()),
    notePolicy: (key) => void policies.set(key, now()),
    keyNotYetValid: (id) => id !== null && young(keys.get(id), lag.newKeyMs),
    assumeNotYetAllowed: (roleKey, userKey) => young(roles.get(roleKey), lag.newRoleMs) || (userKey !== undefined && young(policies.get(userKey), lag.newPolicyMs)),
    lagListing(body) {
      if (lag.listingLagMs <= 0) return body;
      return body.replace(/<member>(?:(?!<\/member>)[\s\S])*?<AccessKeyId>([^<]+)<\/AccessKeyId>[\s\S]*?<\/member>/g, (member, id: string) =>
        young(keys.get(id), lag.listingLagMs) ? '' : member,
      );
    },
  };
}
