// `rolegate setup --emit`, deployed: Terraform (from the local plugin mirror) and moto's
// CloudFormation build in moto what `rolegate setup` builds, and setup then adopts and completes it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useMotoServer, ACCOUNT_ID } from '../harness/moto.js';
import { runBoto3, run, runRolegate } from '../harness/run.js';
import { accountListing, mfaFlags, setup, setupSandbox, type AccountListing, type Sandbox } from './setupSupport.js';
import { emit, workDir } from './emitSupport.js';

const moto = useMotoServer();

/** On this project's CI image (.ci/run checks); a machine without them fails here, loudly, rather than skipping. */
const TERRAFORM = process.env.ROLEGATE_TEST_TERRAFORM ?? '/usr/local/bin/terraform';
const TF_PLUGIN_DIR = process.env.ROLEGATE_TEST_TF_PLUGIN_DIR ?? '/opt/tf-plugins';

const terraformEnv = (dir: string) => ({ PATH: process.env.PATH, HOME: dir, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc') });

/**
 * The AWS provider that `terraform init` installed in `dir`, started once in its debug mode and
 * reattached by every later terraform command there (TF_REATTACH_PROVIDERS). Each command would
 * otherwise start the 700 MB provider 2 to 4 times (once per phase), 2-4 s of CPU each, while
 * its calls to moto take under a second: most of this file's time. Same binary, same protocol.
 */
const providers = new Map<string, { reattach: string; child: ChildProcess }>();

async function startProvider(dir: string): Promise<void> {
  const base = join(dir, '.terraform', 'providers', 'registry.terraform.io', 'hashicorp', 'aws');
  const [version] = readdirSync(base);
  const [platform] = readdirSync(join(base, version!));
  const binary = readdirSync(join(base, version!, platform!)).find((name) => name.startsWith('terraform-provider-aws'));
  assert.ok(binary, `terraform init installed no AWS provider in ${base}`);
  // TMPDIR: its socket goes in `dir` (removed with it), not in /tmp, where a stopped provider leaves it
  const child = spawn(join(base, version!, platform!, binary), ['-debug'], { cwd: dir, env: { ...terraformEnv(dir), TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  providers.set(dir, { reattach: '', child });
  let output = '';
  // bounded: a provider that never prints its address fails the test after 60 s, and is stopped
  const reattach = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the AWS provider printed no TF_REATTACH_PROVIDERS within 60 s: ${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`the AWS provider ended (${code ?? signal}) before serving: ${output}`)));
  });
  providers.set(dir, { reattach, child });
}

/** Stops `dir`'s provider (SIGTERM; SIGKILL if it lingers 10 s) and waits for it to end. */
async function stopProvider(dir: string): Promise<void> {
  const provider = providers.get(dir);
  providers.delete(dir);
  if (!provider || provider.child.exitCode !== null || provider.child.signalCode !== null) return;
  const ended = new Promise((resolve) => provider.child.once('exit', resolve));
  provider.child.kill('SIGTERM');
  const timer = setTimeout(() => provider.child.kill('SIGKILL'), 10_000);
  await ended;
  clearTimeout(timer);
}
after(async () => {
  for (const dir of [...providers.keys()]) await stopProvider(dir);
});

/** Runs terraform in `dir` against moto, through `dir`'s provider once started; throws with its output when it fails. */
async function terraform(dir: string, args: string[], expectedCode = 0): Promise<string> {
  assert.ok(existsSync(TERRAFORM), `terraform is needed at ${TERRAFORM} (ROLEGATE_TEST_TERRAFORM): it is on the CI image`);
  const provider = providers.get(dir);
  const result = await run(TERRAFORM, args, {
    cwd: dir,
    env: { ...terraformEnv(dir), ...(provider ? { TF_REATTACH_PROVIDERS: provider.reattach } : {}) },
    timeoutMs: 180_000,
  });
  assert.equal(result.code, expectedCode, `terraform ${args[0]}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/**
 * A Terraform working directory with both emitted forms as modules (one apply: the provider is
 * slow to start) and a provider pointed at moto: `single` (setup's defaults and `args`) and
 * `people` (`--users alice,bob`).
 */
async function terraformDir(args: string[], options: { region?: string; people?: boolean } = {}): Promise<string> {
  const dir = workDir();
  writeFileSync(join(dir, 'cli.tfrc'), '');
  const forms: Array<[string, string[]]> = [['single', args], ...(options.people === false ? [] : [['people', ['--users', 'alice,bob']] as [string, string[]]])];
  for (const [name, extra] of forms) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'main.tf'), await emit(['--emit', 'terraform', ...extra]));
  }
  writeFileSync(
    join(dir, 'main.tf'),
    `module "single" {
  source = "./single"
}
output "setup_command" {
  value = module.single.setup_command
}
${options.people === false ? '' : `module "people" {
  source = "./people"
}
output "setup_commands" {
  value = module.people.setup_commands
}`}
provider "aws" {
  region                      = "${options.region ?? 'us-east-1'}"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  endpoints {
    iam = "${moto.endpoint}"
    sts = "${moto.endpoint}"
  }
}
`,
  );
  await terraform(dir, ['init', '-input=false', '-no-color', `-plugin-dir=${TF_PLUGIN_DIR}`]);
  await startProvider(dir);
  await terraform(dir, ['validate', '-no-color']);
  return dir;
}

/** What setup and a template both build: the listing without the personal parts (keys, MFA). */
function withoutPersonalParts(listing: AccountListing) {
  const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));
  return {
    users: byName(listing.users).map((u) => ({ ...u, keys: [], mfa: [], tags: Object.fromEntries(Object.entries(u.tags).filter(([k]) => !u.keys.includes(k))) })),
    roles: byName(listing.roles),
    localPolicies: listing.localPolicies,
  };
}

const roleDescriptions = (box: Sandbox) =>
  runBoto3<Record<string, string>>(
    'import boto3, json; iam = boto3.client("iam"); print(json.dumps({r["RoleName"]: iam.get_role(RoleName=r["RoleName"])["Role"].get("Description") for r in iam.list_roles()["Roles"]}))',
    { env: { ...box.env, AWS_PROFILE: 'bootstrap' } },
  );

test('terraform validates and applies both emitted forms to moto: equal to setup; then setup adopts without --adopt and verify holds', async () => {
  const singleFlags = ['--trust', 'user', '--role-duration', '7200'];
  const people: Array<[string, string[]]> = [
    ['admin', singleFlags],
    ['alice', ['--user-name', 'alice', '--role-name', 'alice-admin', '--admin-profile', 'alice-admin']],
    ['bob', ['--user-name', 'bob', '--role-name', 'bob-admin', '--admin-profile', 'bob-admin']],
  ];
  const laptops = people.map(() => setupSandbox(moto.endpoint));
  const box = setupSandbox(moto.endpoint);
  let dir: string | undefined;
  try {
    // what setup builds, in a fresh moto: each person's setup on their own laptop
    const results = await Promise.all(people.map(([, flags], i) => setup(laptops[i]!, flags)));
    for (const result of results) assert.equal(result.code, 0, result.stdout + result.stderr);
    const bySetup = { listing: await accountListing(box), descriptions: await roleDescriptions(box) };
    await moto.reset();

    dir = await terraformDir(singleFlags);
    await terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const outputs = JSON.parse(await terraform(dir, ['output', '-json'])) as { setup_command: { value: string }; setup_commands: { value: Record<string, string> } };
    const byTerraform = { listing: await accountListing(box), descriptions: await roleDescriptions(box) };
    assert.deepEqual(withoutPersonalParts(byTerraform.listing), withoutPersonalParts(bySetup.listing));
    assert.deepEqual(byTerraform.descriptions, bySetup.descriptions);
    assert.deepEqual(byTerraform.listing.virtualMfa, []);
    assert.deepEqual(byTerraform.listing.users.flatMap((u) => u.keys), []);
    assert.deepEqual(Object.keys(outputs.setup_commands.value).sort(), ['alice', 'bob']);

    // the person's own setup: the command from the outputs, adopting by the tag, adding the personal parts
    const second = await setup(box, outputs.setup_command.value.split(' ').slice(2));
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /IAM user admin: exists/);
    assert.match(second.stdout, /IAM role admin: exists/);
    assert.doesNotMatch(second.stdout, /adopt/);
    const completed = await accountListing(box);
    assert.deepEqual(withoutPersonalParts(completed), withoutPersonalParts(bySetup.listing));
    const admin = completed.users.find((u) => u.name === 'admin')!;
    assert.equal(admin.keys.length, 1);
    assert.deepEqual(admin.mfa, [`arn:aws:iam::${ACCOUNT_ID}:mfa/admin`]);

    // and Terraform sees nothing to change after it: the two do not fight (exit 0: no changes)
    await terraform(dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], 0);

    const codeCommand = mfaFlags(box)[3]!;
    await moto.enableAccessControl(0);
    try {
      const verify = await runRolegate(['verify', '--json', '--mfa-code-command', codeCommand], { env: box.env });
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    } finally {
      await moto.disableAccessControl();
    }
  } finally {
    for (const laptop of laptops) laptop.cleanup();
    box.cleanup();
    if (dir) await stopProvider(dir);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

test('terraform applies the emitted code in us-gov-west-1: every ARN in aws-us-gov; setup then adopts it there', async () => {
  const gov = { AWS_REGION: 'us-gov-west-1', AWS_DEFAULT_REGION: 'us-gov-west-1' };
  const box = setupSandbox(moto.endpoint, gov);
  let dir: string | undefined;
  try {
    dir = await terraformDir(['--trust', 'user'], { region: 'us-gov-west-1', people: false });
    await terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const outputs = JSON.parse(await terraform(dir, ['output', '-json'])) as { setup_command: { value: string } };
    const arn = `arn:aws-us-gov:iam::${ACCOUNT_ID}`;
    const byTerraform = await accountListing(box);
    const user = byTerraform.users.find((u) => u.name === 'admin')!;
    assert.deepEqual(user.attached, ['arn:aws-us-gov:iam::aws:policy/SecurityAudit']);
    assert.equal((user.inline.admin as { Statement: { Resource: string }[] }).Statement[0]!.Resource, `${arn}:role/admin`);
    const role = byTerraform.roles.find((r) => r.name === 'admin')!;
    assert.deepEqual(role.attached, ['arn:aws-us-gov:iam::aws:policy/AdministratorAccess']);
    assert.deepEqual((role.trust as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal, { AWS: `${arn}:user/admin` });

    const adopted = await setup(box, outputs.setup_command.value.split(' ').slice(2));
    assert.equal(adopted.code, 0, adopted.stdout + adopted.stderr);
    assert.match(adopted.stdout, /IAM user admin: exists/);
    assert.match(adopted.stdout, /policy SecurityAudit on user admin: attached/);
    assert.match(adopted.stdout, /IAM role admin: exists/);
    const completed = await accountListing(box);
    assert.deepEqual(completed.users.find((u) => u.name === 'admin')!.mfa, [`${arn}:mfa/admin`]);
    assert.deepEqual(withoutPersonalParts(completed), withoutPersonalParts(byTerraform));
    await terraform(dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], 0);
  } finally {
    box.cleanup();
    if (dir) await stopProvider(dir);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

test("moto's CloudFormation creates the stack; what it keeps equals what setup builds", async () => {
  const box = setupSandbox(moto.endpoint);
  try {
    const first = await setup(box, ['--trust', 'user']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const bySetup = await accountListing(box);
    await moto.reset();
    const template = await emit(['--emit', 'cloudformation', '--trust', 'user']);
    const stack = await runBoto3<{ status: string; outputs: Record<string, string> }>(
      `import boto3, json, sys
cf = boto3.client("cloudformation")
cf.create_stack(StackName="rolegate", TemplateBody=sys.stdin.read(), Capabilities=["CAPABILITY_NAMED_IAM"])
s = cf.describe_stacks(StackName="rolegate")["Stacks"][0]
print(json.dumps({"status": s["StackStatus"], "outputs": {o["OutputKey"]: o["OutputValue"] for o in s.get("Outputs", [])}}))`,
      { env: { ...box.env, AWS_PROFILE: 'bootstrap' }, input: template },
    );
    assert.equal(stack.status, 'CREATE_COMPLETE');
    assert.equal(stack.outputs.RoleArn, `arn:aws:iam::${ACCOUNT_ID}:role/admin`);
    assert.equal(
      stack.outputs.SetupCommand,
      'rolegate setup --user-name admin --role-name admin --policy-name admin --read-policy SecurityAudit ' +
        '--admin-policy AdministratorAccess --role-duration 3600 --trust user',
    );
    const listing = await accountListing(box);
    // moto 5.2.1 keeps the role's trust policy, duration and tags, and the user itself; it drops
    // ManagedPolicyArns, the user's tags and AWS::IAM::UserPolicy (the Terraform test proves those)
    const role = (l: AccountListing) => l.roles.map(({ name, trust, maxSession, tags }) => ({ name, trust, maxSession, tags }));
    assert.deepEqual(role(listing), role(bySetup));
    assert.deepEqual(listing.users.map((u) => u.name), ['admin']);
  } finally {
    box.cleanup();
  }
});
