import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSarif } from './sarif.js';
import type { Finding } from './finding.js';
import { RULES } from './rules.js';

const findings: Finding[] = [
  { id: 'local.secret-in-shell-file', scope: 'local', severity: 'high', title: 'a secret access key in /h/.bash_history, line 3', where: '/h/.bash_history:3', location: { file: '/h/.bash_history', line: 3 }, fix: "sed -i '3d' '/h/.bash_history'" },
  { id: 'account.root-mfa-off', scope: 'account', severity: 'critical', title: 'The account root user has no MFA device', where: 'arn:aws:iam::123456789012:root', fix: 'console' },
  { id: 'local.expired-cache-entry', scope: 'local', severity: 'low', title: 'expired', where: '/h/.aws/cli/cache/x.json', location: { file: '/h/.aws/cli/cache/x.json' }, fix: 'rm' },
];

test('SARIF 2.1.0: one run, every rule described, results with levels, file locations and logical locations', () => {
  const log = toSarif(findings, { version: '0.1.0' }) as any;
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const driver = log.runs[0].tool.driver;
  assert.equal(driver.name, 'rolegate');
  assert.deepEqual(driver.rules.map((r: any) => r.id), RULES.map((r) => r.id));
  const results = log.runs[0].results;
  assert.deepEqual(results.map((r: any) => r.level), ['error', 'error', 'note']);
  assert.equal(driver.rules[results[0].ruleIndex].id, 'local.secret-in-shell-file');
  assert.deepEqual(results[0].locations[0].physicalLocation, { artifactLocation: { uri: 'file:///h/.bash_history' }, region: { startLine: 3 } });
  assert.deepEqual(results[1].locations[0].logicalLocations, [{ name: 'arn:aws:iam::123456789012:root', kind: 'resource' }]);
  assert.equal(results[2].locations[0].physicalLocation.region, undefined);
  assert.match(results[0].message.text, /Fix: sed -i/);
});

test('every rule id used in the code is a described rule', async () => {
  const { readFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const src = (name: string) => fileURLToPath(new URL(`../../../src/audit/${name}`, import.meta.url));
  const text = (await Promise.all(['localAudit.ts', 'accountAudit.ts', 'credentialReport.ts'].map((f) => readFile(src(f), 'utf8')))).join('\n');
  const used = new Set([...text.matchAll(/'((?:local|account)\.[a-z-]+)'/g)].map((m) => m[1]));
  assert.deepEqual([...used].sort(), RULES.map((r) => r.id).sort());
});
