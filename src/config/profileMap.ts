// What botocore makes of a parsed file: raw_config_parse (DEFAULT merged in, nested values split)
// and build_profile_map (which config-file section names a profile). Pure functions, no I/O.
import { DEFAULT_SECTION, IniParseError, type IniDocument, type IniEntry, type IniSection } from './iniDocument.js';
import { pySplitLines, pyStrip } from './pythonText.js';
import { shlexSplit } from './shlexSplit.js';

export type ProfileValue = string | Record<string, string>;
export type ProfileValues = Record<string, ProfileValue>;

/** Sets an own property even for names like `__proto__` (option names are arbitrary text). */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function getOwn<T>(source: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

/** botocore's _parse_nested: `s3 =` followed by indented `key = value` lines. */
function parseNested(entry: IniEntry, doc: IniDocument): Record<string, string> {
  const nested: Record<string, string> = {};
  for (const piece of pySplitLines(entry.value)) {
    const line = pyStrip(piece);
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq < 0) {
      const at = entry.continuationLines.find((i) => pySplitLines(pyStrip(doc.lines[i]!.text)).some((p) => pyStrip(p) === line));
      throw new IniParseError((at ?? entry.line) + 1, `the nested value of "${entry.key}" has a line without =`);
    }
    setOwn(nested, pyStrip(line.slice(0, eq)), pyStrip(line.slice(eq + 1)));
  }
  return nested;
}

function entryValue(entry: IniEntry, doc: IniDocument): ProfileValue {
  return entry.value.startsWith('\n') ? parseNested(entry, doc) : entry.value;
}

/** For each section (DEFAULT excluded): the entries configparser reports, section's own first. */
export function effectiveEntries(doc: IniDocument, section: IniSection): IniEntry[] {
  const own = new Set(section.entries.map((e) => e.key));
  const inherited: IniEntry[] = [];
  for (const defaults of doc.structure.defaults) {
    for (const entry of defaults.entries) {
      if (!own.has(entry.key)) {
        own.add(entry.key);
        inherited.push(entry);
      }
    }
  }
  return [...section.entries, ...inherited];
}

/** botocore.configloader.raw_config_parse: section name → values. Throws IniParseError. */
export function rawSections(doc: IniDocument): Map<string, ProfileValues> {
  const result = new Map<string, ProfileValues>();
  for (const section of doc.structure.sections) {
    const values: ProfileValues = {};
    for (const entry of effectiveEntries(doc, section)) setOwn(values, entry.key, entryValue(entry, doc));
    result.set(section.name, values);
  }
  return result;
}

export type ConfigSectionRole = { kind: 'profile' | 'sso-session' | 'services'; name: string };

/** What a config-file section name means to botocore's build_profile_map (undefined: ignored). */
export function configSectionRole(sectionName: string): ConfigSectionRole | undefined {
  const prefixed = (kind: ConfigSectionRole['kind']): ConfigSectionRole | undefined => {
    let parts: string[];
    try {
      parts = shlexSplit(sectionName);
    } catch {
      return undefined;
    }
    return parts.length === 2 ? { kind, name: parts[1]! } : undefined;
  };
  if (sectionName.startsWith('profile')) return prefixed('profile');
  if (sectionName.startsWith('sso-session')) return prefixed('sso-session');
  if (sectionName.startsWith('services')) return prefixed('services');
  if (sectionName === 'default') return { kind: 'profile', name: 'default' };
  return undefined;
}

export interface ConfigMap {
  profiles: Map<string, ProfileValues>;
  ssoSessions: Map<string, ProfileValues>;
  services: Map<string, ProfileValues>;
}

/** botocore.configloader.build_profile_map. A later section for the same name replaces an earlier one. */
export function buildProfileMap(raw: Map<string, ProfileValues>): ConfigMap {
  const map: ConfigMap = { profiles: new Map(), ssoSessions: new Map(), services: new Map() };
  for (const [name, values] of raw) {
    const role = configSectionRole(name);
    if (!role) continue;
    const target = role.kind === 'profile' ? map.profiles : role.kind === 'sso-session' ? map.ssoSessions : map.services;
    target.set(role.name, values);
  }
  return map;
}

/** The section botocore takes a config-file profile from (the last one naming it). */
export function configProfileSection(doc: IniDocument, profile: string): IniSection | undefined {
  let found: IniSection | undefined;
  for (const section of doc.structure.sections) {
    const role = configSectionRole(section.name);
    if (role?.kind === 'profile' && role.name === profile) found = section;
  }
  return found;
}

export { DEFAULT_SECTION };
