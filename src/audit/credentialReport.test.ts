import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleWithoutMfa, keyProblems, parseCredentialReport } from './credentialReport.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const row = (user: string, cells: Partial<Record<string, string>>) => {
  const names = HEADER.split(',');
  const defaults: Record<string, string> = { user, arn: `arn:aws:iam::123456789012:user/${user}`, password_enabled: 'false', mfa_active: 'false' };
  return names.map((n) => cells[n] ?? defaults[n] ?? 'N/A').join(',');
};
const NOW = new Date('2026-11-24T00:00:00Z');

test('finds console users without MFA, old keys and unused keys; skips the root row, inactive keys and fresh keys', () => {
  const csv = [
    HEADER,
    row('<root_account>', { password_enabled: 'not_supported', access_key_1_active: 'true', access_key_1_last_rotated: '2020-01-01T00:00:00+00:00' }),
    row('console', { password_enabled: 'true' }),
    row('console-mfa', { password_enabled: 'true', mfa_active: 'true' }),
    row('old-used', { access_key_1_active: 'true', access_key_1_last_rotated: '2026-01-01T00:00:00+00:00', access_key_1_last_used_date: '2026-11-20T00:00:00+00:00' }),
    row('old-never-used', { access_key_2_active: 'true', access_key_2_last_rotated: '2026-06-01T00:00:00+00:00' }),
    row('fresh-never-used', { access_key_1_active: 'true', access_key_1_last_rotated: '2026-11-01T00:00:00+00:00' }),
    row('inactive-old', { access_key_1_active: 'false', access_key_1_last_rotated: '2020-01-01T00:00:00+00:00' }),
  ].join('\n');
  const rows = parseCredentialReport(csv);
  assert.equal(rows.length, 7);
  assert.deepEqual(consoleWithoutMfa(rows), ['console']);
  assert.deepEqual(
    keyProblems(rows, NOW).map((p) => `${p.user}#${p.slot}:${p.kind}:${p.days}`),
    ['old-used#1:old:327', 'old-never-used#2:old:176', 'old-never-used#2:unused:176'],
  );
});

test('parses quoted cells and CRLF line ends', () => {
  const rows = parseCredentialReport('a,b\r\n"x,1","say ""hi"""\r\n');
  assert.deepEqual(rows, [{ a: 'x,1', b: 'say "hi"' }]);
});
