import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { makeSandbox, type Sandbox } from '../../test/harness/sandbox.js';
import { readSharedProfiles } from '../config/profiles.js';
import { auditLocal, type LocalAuditInput } from './localAudit.js';
import { quotePosix } from '../shellQuote.js';

const ID = 'AKIAIOSFODNN7EXAMPLE';
const ROOT_ID = 'AKIAI44QH8DHBEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2026-11-24T12:00:00Z');

async function input(box: Sandbox, extra: Partial<LocalAuditInput> = {}, env: NodeJS.ProcessEnv = box.env): Promise<LocalAuditInput> {
  return {
    env,
    shared: await readSharedProfiles(env),
    configFile: box.configFile,
    credentialsFile: box.credentialsFile,
    awsCliCacheDir: join(box.home, '.aws', 'cli', 'cache'),
    rolegateSessionDir: join(box.home, '.cache', 'rolegate', 'sessions'),
    now: NOW,
    ...extra,
  };
}

function storeLayout(box: Sandbox) {
  writeFileSync(
    box.configFile,
    `[default]\nregion = us-east-1\ncredential_process = rolegate credential-process default\nmfa_serial = arn:aws:iam::123456789012:mfa/admin\n\n` +
      `[profile admin]\nregion = us-east-1\ncredential_process = rolegate credential-process admin\nrolegate_role_arn = arn:aws:iam::123456789012:role/admin\n` +
      `rolegate_source_profile = default\nmfa_serial = arn:aws:iam::123456789012:mfa/admin\n`,
    { mode: 0o600 },
  );
}

function writeIn(box: Sandbox, relative: string, text: string, mode = 0o600) {
  const path = join(box.home, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

test('a clean store-layout setup has no finding', async () => {
  const box = makeSandbox();
  try {
    storeLayout(box);
    writeIn(box, '.bash_history', 'aws s3 ls\nrolegate exec admin -- terraform apply\n');
    writeIn(box, '.cache/rolegate/sessions/session-default.json', JSON.stringify({ version: 1, kind: 'session', profile: 'default', mfaSerial: 'x', arn: 'arn:aws:iam::123456789012:user/admin', Credentials: { Expiration: '2026-11-24T20:00:00Z' } }));
    assert.deepEqual(await auditLocal(await input(box)), []);
  } finally {
    box.cleanup();
  }
});

test('a clean --store plain setup has exactly one finding: the plaintext key, medium', async () => {
  const box = makeSandbox();
  try {
    writeFileSync(box.configFile, `[default]\nregion = us-east-1\n\n[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\nmfa_serial = arn:aws:iam::123456789012:mfa/admin\n`, { mode: 0o600 });
    writeFileSync(box.credentialsFile, `[default]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`, { mode: 0o600 });
    const findings = await auditLocal(await input(box, { keyCreated: new Map([[ID, new Date('2026-10-25T12:00:00Z')]]) }));
    assert.deepEqual(findings.map((f) => [f.id, f.severity, f.where]), [['local.plaintext-key', 'medium', `profile default in ${box.credentialsFile}`]]);
    assert.match(findings[0]!.title, /AKIA…, 30 days old/);
  } finally {
    box.cleanup();
  }
});

test('one of each local problem: every one is found, and no secret is printed', async () => {
  const box = makeSandbox();
  try {
    writeFileSync(
      box.configFile,
      `[default]\nregion = us-east-1\n\n[profile poweruser]\nrole_arn = arn:aws:iam::123456789012:role/PowerUser\nsource_profile = legacy\n\n` +
        `[profile readonly-role]\nrole_arn = arn:aws:iam::123456789012:role/ReadOnly\nsource_profile = legacy\n\n` +
        `[profile ci-admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\ncredential_source = Ec2InstanceMetadata\n\n` +
        `[profile store-admin]\nrolegate_role_arn = arn:aws:iam::123456789012:role/admin\nrolegate_source_profile = keyed\n\n` +
        `[profile keyed]\nmfa_serial = arn:aws:iam::123456789012:mfa/admin\n\n` +
        `[profile store-admin-nomfa]\nrolegate_role_arn = arn:aws:iam::123456789012:role/Administrator\nrolegate_source_profile = legacy\n`,
      { mode: 0o644 },
    );
    writeFileSync(box.credentialsFile, `[legacy]\naws_access_key_id = ${ROOT_ID}\naws_secret_access_key = ${SECRET}\n\n[temp]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\naws_session_token = token\n`, { mode: 0o644 });
    // the modes this test is about, whatever the umask of the run
    chmodSync(box.configFile, 0o644);
    chmodSync(box.credentialsFile, 0o644);
    writeIn(box, '.bash_history', `ls\nexport AWS_SECRET_ACCESS_KEY=${SECRET}\n`);
    writeIn(box, '.zsh_history', `: 1700000000:0;aws configure set aws_access_key_id ${ID}\n`);
    writeIn(box, '.local/share/fish/fish_history', `- cmd: set -x AWS_SECRET_ACCESS_KEY ${SECRET}\n  when: 1700000000\n`);
    writeIn(box, '.bashrc', `# aws\nexport AWS_ACCESS_KEY_ID=${ID}\nexport AWS_SECRET_ACCESS_KEY=${SECRET}\n`);
    writeIn(box, '.zshrc', `export AWS_SESSION_TOKEN=${'F'.repeat(120)}\n`);
    writeIn(box, '.profile', `aws_secret_access_key = ${SECRET}\n`);
    const expired = writeIn(box, '.aws/cli/cache/0123abcd.json', JSON.stringify({ Credentials: { Expiration: '2026-11-24T06:12:27.925810Z' } }), 0o644);
    writeIn(box, '.aws/cli/cache/fresh.json', JSON.stringify({ Credentials: { Expiration: '2026-11-24T13:00:00Z' } }));
    const rolegateExpired = writeIn(box, '.cache/rolegate/sessions/session-default.json', JSON.stringify({ version: 1, kind: 'session', profile: 'default', arn: 'arn:aws:iam::123456789012:user/admin', Credentials: { Expiration: '2026-11-23T20:00:00Z' } }));
    const keyFile = writeIn(box, '.config/rolegate/keys.enc', '{"format":"rolegate-keys"}', 0o644);
    writeFileSync(box.credentialsFile + '.rolegate.bak', `[default]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`, { mode: 0o600 });
    const env = { ...box.env, AWS_ACCESS_KEY_ID: ID, AWS_SECRET_ACCESS_KEY: SECRET };
    const findings = await auditLocal(await input(box, { identities: new Map([[ROOT_ID, 'arn:aws:iam::123456789012:root']]), keyFile }, env));
    const h = box.home;
    assert.deepEqual(
      findings.map((f) => `${f.id} ${f.severity} ${f.where}`).sort(),
      [
        `local.admin-role-without-mfa high profile poweruser in ${box.configFile}`,
        `local.admin-role-without-mfa high profile store-admin-nomfa in ${box.configFile}`,
        `local.env-long-term-key high environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`,
        `local.expired-cache-entry low ${expired}`,
        `local.expired-cache-entry low ${rolegateExpired}`,
        `local.file-permissions high ${box.credentialsFile}`,
        `local.file-permissions high ${expired}`,
        `local.file-permissions high ${keyFile}`,
        `local.file-permissions medium ${box.configFile}`,
        `local.plaintext-key medium profile legacy in ${box.credentialsFile}`,
        `local.plaintext-key medium ${box.credentialsFile}.rolegate.bak`,
        `local.root-key critical profile legacy in ${box.credentialsFile}`,
        `local.secret-in-shell-file high ${h}/.bash_history:2`,
        `local.secret-in-shell-file high ${h}/.bashrc:3`,
        `local.secret-in-shell-file high ${h}/.local/share/fish/fish_history:1`,
        `local.secret-in-shell-file high ${h}/.profile:1`,
        `local.secret-in-shell-file low ${h}/.zshrc:1`,
        `local.secret-in-shell-file medium ${h}/.bashrc:2`,
        `local.secret-in-shell-file medium ${h}/.zsh_history:1`,
      ].sort(),
    );
    const text = JSON.stringify(findings);
    assert.ok(!text.includes(SECRET.slice(0, 10)) && !text.includes(ID.slice(0, 6)) && !text.includes(ROOT_ID.slice(0, 6)), text);
    assert.equal(findings.find((f) => f.id === 'local.file-permissions' && f.where === box.credentialsFile)!.fix, `chmod 600 ${quotePosix(box.credentialsFile)}`);
    assert.equal(findings.find((f) => f.where === `${h}/.bash_history:2`)!.location?.line, 2);
    assert.match(findings.find((f) => f.where.startsWith('profile poweruser'))!.fix, /^aws configure set mfa_serial arn:aws:iam::123456789012:mfa\/YOUR_USER --profile poweruser/);
  } finally {
    box.cleanup();
  }
});

test('offline, a root key is named from rolegate\'s cached session identity, also for a key in a store', async () => {
  const box = makeSandbox();
  try {
    storeLayout(box);
    writeIn(box, '.cache/rolegate/sessions/session-default.json', JSON.stringify({ version: 1, kind: 'session', profile: 'default', arn: 'arn:aws:iam::123456789012:root', Credentials: { Expiration: '2026-11-24T20:00:00Z' } }));
    const findings = await auditLocal(await input(box));
    assert.deepEqual(findings.map((f) => [f.id, f.severity]), [['local.root-key', 'critical']]);
    assert.match(findings[0]!.fix, /rolegate setup --bootstrap-profile default --delete-root-keys/);
  } finally {
    box.cleanup();
  }
});

test("the fix commands are quoted for the shell: run as printed, they fix files in a folder named with ' and spaces", async () => {
  const box = makeSandbox();
  try {
    const home = join(box.home, "it's my home");
    mkdirSync(join(home, '.aws'), { recursive: true });
    const credentialsFile = join(home, '.aws', 'credentials');
    writeFileSync(credentialsFile, '[default]\nregion = us-east-1\n', { mode: 0o644 });
    chmodSync(credentialsFile, 0o644);
    const bashrc = join(home, '.bashrc');
    writeFileSync(bashrc, `echo one\nexport AWS_ACCESS_KEY_ID=${ID}\nexport AWS_SECRET_ACCESS_KEY=${SECRET}\necho four\n`, { mode: 0o600 });
    const env = { ...box.env, HOME: home, AWS_SHARED_CREDENTIALS_FILE: credentialsFile };
    const findings = await auditLocal(await input(box, { credentialsFile }, env));
    const fixes = findings.filter((f) => f.id === 'local.file-permissions' || f.id === 'local.secret-in-shell-file').map((f) => f.fix.split('   #')[0]!);
    assert.equal(fixes.length, 3, JSON.stringify(findings));
    // run as printed, the two line fixes in either order
    for (const fix of [...fixes].reverse()) execFileSync('sh', ['-c', fix], { env });
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(bashrc, 'utf8'), 'echo one\n\n\necho four\n');
  } finally {
    box.cleanup();
  }
});
