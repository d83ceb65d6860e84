/**
 * `rolegate audit --local` on a config with every kind of profile people already have (issue 20):
 * an IAM Identity Center profile and an organization role sourced from it, a console sign-in
 * profile and a role from it, a role chained from a role with mfa_serial, another tool's
 * credential_process, and a static key. No finding that would break them; MFA at the identity
 * provider said once, as information; the static long-term key still flagged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { makeSandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';

const ACCOUNT = '123456789012';

test('audit on a config with an SSO profile and an SSO-sourced admin role: no high finding against them, one info finding about MFA at the identity provider', async () => {
  const box = makeSandbox();
  try {
    writeFileSync(
      box.configFile,
      `[profile work]\nsso_session = corp\nsso_account_id = ${ACCOUNT}\nsso_role_name = AdministratorAccess\nregion = us-east-1\n\n` +
        `[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n` +
        `[profile legacy-sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = ${ACCOUNT}\nsso_role_name = PowerUserAccess\n\n` +
        `[profile admin]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/admin\nsource_profile = work\n\n` +
        `[profile console]\nlogin_session = arn:aws:iam::${ACCOUNT}:user/me\nregion = us-east-1\n\n` +
        `[profile console-admin]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole-admin\nsource_profile = console\n\n` +
        `[profile mfa-base]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/reader\nsource_profile = keyed\nmfa_serial = arn:aws:iam::${ACCOUNT}:mfa/me\n\n` +
        `[profile chained-admin]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/admin\nsource_profile = mfa-base\n\n` +
        `[profile tool]\ncredential_process = /usr/local/bin/vault-aws --profile tool\n`,
      { mode: 0o600 },
    );
    writeFileSync(box.credentialsFile, `[keyed]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`, { mode: 0o600 });
    const result = await runRolegate(['audit', '--local', '--json'], { env: box.env });
    assert.equal(result.code, 0, result.stderr);
    const findings = (JSON.parse(result.stdout) as { findings: Array<{ id: string; severity: string; where: string; title: string }> }).findings;
    const about = (profile: string) => findings.filter((f) => new RegExp(`profile ${profile}( |,|$)`).test(f.where));
    for (const profile of ['work', 'legacy-sso', 'admin', 'console', 'console-admin', 'chained-admin', 'tool']) {
      assert.deepEqual(about(profile).filter((f) => f.severity === 'high' || f.severity === 'critical' || f.severity === 'medium').map((f) => f.id), [], `no finding that would break profile ${profile}`);
    }
    const info = findings.filter((f) => f.id === 'local.mfa-at-identity-provider');
    assert.equal(info.length, 1, 'said once');
    assert.equal(info[0]!.severity, 'info');
    assert.match(info[0]!.title, /Profiles admin, console-admin assume an admin-like role from an IAM Identity Center or console sign-in: MFA happens at the identity provider, which audit cannot see/);
    assert.deepEqual(
      findings.filter((f) => f.id === 'local.plaintext-key').map((f) => [f.severity, f.where]),
      [['medium', `profile keyed in ${box.credentialsFile}`]],
      'the static long-term key stays flagged',
    );
    const profiles = await runRolegate(['profiles', '--json'], { env: box.env });
    assert.equal(profiles.code, 0, profiles.stderr);
    const rows = JSON.parse(profiles.stdout) as Array<{ name: string; kind: string; risk?: string | null }>;
    const byName = Object.fromEntries((Array.isArray(rows) ? rows : (rows as { profiles: typeof rows }).profiles).map((r) => [r.name, r]));
    assert.equal(byName.work!.kind, 'sso');
    assert.equal(byName.console!.kind, 'login');
    for (const name of ['admin', 'console-admin', 'chained-admin']) assert.ok(!byName[name]!.risk, `profiles shows no risk for ${name}`);
  } finally {
    box.cleanup();
  }
});
