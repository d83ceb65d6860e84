/** Findings as a SARIF 2.1.0 log (GitHub code scanning and other SARIF viewers read it). */
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from './finding.js';
import { RULES } from './rules.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

// GitHub's convention for security rules: a CVSS-like score in the rule's properties.
const SCORE: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function toSarif(findings: Finding[], tool: { version: string }): object {
  const rules = RULES.map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/^[a-z]+\./, '').replace(/-(.)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['security', 'aws', rule.scope], 'security-severity': SCORE[rule.severity] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((f) => ({
    ruleId: f.id,
    ...(index.has(f.id) ? { ruleIndex: index.get(f.id) } : {}),
    level: LEVEL[f.severity],
    message: { text: `${f.title}. Fix: ${f.fix}` },
    locations: [
      f.location
        ? {
            physicalLocation: {
              artifactLocation: { uri: pathToFileURL(f.location.file).href },
              ...(f.location.line ? { region: { startLine: f.location.line } } : {}),
            },
          }
        : { logicalLocations: [{ name: f.where, kind: f.scope === 'account' ? 'resource' : 'member' }] },
    ],
    properties: { severity: f.severity, 'security-severity': SCORE[f.severity], where: f.where, fix: f.fix },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'rolegate', version: tool.version, rules } },
        results,
      },
    ],
  };
}
