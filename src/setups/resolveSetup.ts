/**
 * Which setup a command acts on, from any one name the person gives (--profile, --admin-profile,
 * --user-name, --role-name), or the only setup there is. With several setups and no name, the
 * command lists them and asks for one; a name that contradicts the setup another name picked is
 * refused, naming both; a default name (default, admin) that belongs to another setup is never
 * used. Resolution reads local files only, before the command changes or asks anything.
 */
import { badInput } from '../userError.js';
import { knownSetups, type KnownSetup } from './knownSetups.js';

export type SetupField = 'profile' | 'adminProfile' | 'userName' | 'roleName';
export type SetupNames = Record<SetupField, string>;

/** What each field is called on a setup, and the default an unnamed field had before records. */
const FIELD: Record<SetupField, { of: (s: KnownSetup) => string; what: string; fallback: string }> = {
  profile: { of: (s) => s.readProfile, what: 'read-only profile', fallback: 'default' },
  adminProfile: { of: (s) => s.adminProfile, what: 'admin profile', fallback: 'admin' },
  userName: { of: (s) => s.userName, what: 'user', fallback: 'admin' },
  roleName: { of: (s) => s.roleName, what: 'role', fallback: 'admin' },
};

export interface ResolveRequest {
  /** The command, for messages: `teardown`. */
  command: string;
  /** The fields this command takes, each with the way it is given (`--profile`, or `PROFILE` for an operand). */
  flags: Partial<Record<SetupField, string>>;
  /** The names given (undefined = not given). */
  given: Partial<Record<SetupField, string | undefined>>;
}

export interface ResolvedSetup {
  /** The setup acted on; undefined when none is known (the names are then the given ones and the defaults). */
  setup: KnownSetup | undefined;
  names: SetupNames;
}

/** One line per setup, for lists in messages and `rolegate status`. */
export function describeSetup(s: KnownSetup): string {
  return `profiles ${s.readProfile}, ${s.adminProfile}: account ${s.account}, user ${s.userName}, role ${s.roleName}, ${s.store} store${s.recorded ? '' : ' (found from its profiles)'}${s.complete === false ? ' (setup not completed)' : ''}`;
}

function setupList(setups: KnownSetup[]): string {
  return setups.map((s) => `  - ${describeSetup(s)}`).join('\n');
}

const namesOf = (s: KnownSetup): SetupNames => ({ profile: s.readProfile, adminProfile: s.adminProfile, userName: s.userName, roleName: s.roleName });

/** The pure decision, on a list of known setups (see resolveSetup). */
export function pickSetup(known: KnownSetup[], request: ResolveRequest): ResolvedSetup {
  const fields = Object.keys(request.flags) as SetupField[];
  const given = fields.filter((f) => request.given[f] !== undefined);
  const flag = (f: SetupField) => request.flags[f]!;
  // the flag that names a setup best: its read-only profile where the command takes it
  const example = (s: KnownSetup) => {
    const f: SetupField = request.flags.profile ? 'profile' : fields[0]!;
    return flag(f).startsWith('-') ? `${flag(f)} ${FIELD[f].of(s)}` : FIELD[f].of(s);
  };
  const matches = (s: KnownSetup, f: SetupField) => FIELD[f].of(s) === request.given[f];

  if (given.length === 0) {
    if (known.length === 1) return { setup: known[0], names: namesOf(known[0]!) };
    if (known.length === 0) return { setup: undefined, names: { profile: 'default', adminProfile: 'admin', userName: 'admin', roleName: 'admin' } };
    throw badInput(
      `there are ${known.length} setups here, and ${request.command} acts on one:\n${setupList(known)}`,
      `name one, e.g. rolegate ${request.command} ${example(known[known.length - 1]!)}`,
    );
  }

  const fitting = known.filter((s) => given.every((f) => matches(s, f)));
  if (fitting.length === 1) return { setup: fitting[0], names: namesOf(fitting[0]!) };
  if (fitting.length > 1) {
    throw badInput(
      `${given.map((f) => `${flag(f)} ${request.given[f]}`).join(' ')} fits ${fitting.length} setups:\n${setupList(fitting)}`,
      `name one by its profile, e.g. rolegate ${request.command} ${example(fitting[fitting.length - 1]!)}`,
    );
  }
  // no setup fits every name: if one name picks a setup, another name contradicts it
  for (const f of given) {
    const picked = known.filter((s) => matches(s, f));
    if (picked.length === 0) continue;
    const s = picked[0]!;
    const other = given.find((g) => g !== f && !matches(s, g))!;
    const owner = known.find((k) => matches(k, other));
    throw badInput(
      `${flag(f)} ${request.given[f]} is the setup with ${FIELD[other].what} ${FIELD[other].of(s)} (${describeSetup(s)}), but ${flag(other)} ${request.given[other]} was given` +
        (owner ? `, which is the ${FIELD[other].what} of another setup (${describeSetup(owner)})` : ''),
      `drop ${flag(other)} (${flag(f)} ${request.given[f]} is enough), or name the other setup; nothing was changed`,
    );
  }
  // a setup rolegate has no record of (an interrupted setup of an earlier version): the names
  // given, and for the others the old defaults, as long as no other setup owns them
  const names = { profile: 'default', adminProfile: 'admin', userName: 'admin', roleName: 'admin' } as SetupNames;
  for (const f of fields) {
    if (request.given[f] !== undefined) {
      names[f] = request.given[f]!;
      continue;
    }
    const owner = known.find((s) => FIELD[f].of(s) === FIELD[f].fallback);
    if (owner) {
      const how = flag(f).startsWith('-') ? `with ${flag(f)}` : `as ${flag(f)}`;
      throw badInput(
        `no setup rolegate knows has ${given.map((g) => `${FIELD[g].what} ${request.given[g]}`).join(' and ')}; the ${FIELD[f].what} was not named, and its default ${FIELD[f].fallback} is the setup with ${given.map((g) => `${FIELD[g].what} ${FIELD[g].of(owner)}`).join(' and ')} (${describeSetup(owner)}); nothing was changed`,
        `name the ${FIELD[f].what} ${how}, or leave out ${given.map(flag).join(' and ')} to act on that setup; the setups here are:\n${setupList(known)}`,
      );
    }
  }
  return { setup: undefined, names };
}

/** Resolves the setup a command acts on from the names given; see the top of this file. */
export async function resolveSetup(env: NodeJS.ProcessEnv, request: ResolveRequest): Promise<ResolvedSetup> {
  return pickSetup(await knownSetups(env), request);
}
