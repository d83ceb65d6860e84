import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../cli/program.js';
import { allCommands, completionSpec } from './completionSpec.js';

const spec = completionSpec(buildProgram());
const byPath = (path: string) => allCommands(spec).find((c) => c.path.join(' ') === path);

test('every visible command and subcommand is in the spec; hidden ones are not', () => {
  const paths = allCommands(spec).map((c) => c.path.join(' '));
  for (const name of ['setup', 'verify', 'audit', 'rotate', 'teardown', 'exec', 'env', 'terraform', 'credential-process', 'status', 'logout', 'import', 'profiles', 'config get', 'config set', 'config unset', 'demo', 'completion']) {
    assert.ok(paths.includes(name), name);
  }
  assert.ok(!paths.includes('demo-authenticator'));
  assert.ok(!byPath('completion')!.options.some((o) => o.names.includes('--profiles')), 'the scripts\' own --profiles is hidden');
});

test('profile arguments and profile-valued options are found by name', () => {
  for (const path of ['exec', 'env', 'terraform', 'rotate', 'logout', 'import', 'credential-process', 'config get', 'config set', 'config unset']) {
    assert.equal(byPath(path)!.profileArgument, 0, path);
  }
  assert.equal(byPath('setup')!.profileArgument, undefined);
  const profileOptions = byPath('teardown')!.options.filter((o) => o.profileValue).flatMap((o) => o.names);
  assert.deepEqual(profileOptions.sort(), ['--admin-profile', '--bootstrap-profile', '--profile']);
  const store = byPath('teardown')!.options.find((o) => o.names.includes('--store'))!;
  assert.equal(store.takesValue, true);
  assert.equal(store.profileValue, false);
  assert.deepEqual(byPath('rotate')!.options.find((o) => o.names.includes('--yes'))!.names, ['-y', '--yes']);
});

test('every option in the values table exists on its command, with the values the command checks', async () => {
  const { optionValueTable } = await import('./optionValues.js');
  const { STORE_KINDS } = await import('../keys/keyStore.js');
  const { ENV_FORMATS } = await import('../cli/envFormat.cjs');
  const { EMIT_FORMATS } = await import('../emit/emitSetup.js');
  const { SEVERITIES } = await import('../audit/finding.js');
  for (const { command, option, values } of optionValueTable()) {
    const found = byPath(command)?.options.find((o) => o.names.includes(option));
    assert.ok(found?.takesValue, `${command} ${option}`);
    assert.deepEqual(found.values, [...values]);
  }
  assert.deepEqual(byPath('setup')!.options.find((o) => o.names.includes('--store'))!.values, [...STORE_KINDS]);
  assert.deepEqual(byPath('env')!.options.find((o) => o.names.includes('--format'))!.values, [...ENV_FORMATS]);
  assert.deepEqual(byPath('setup')!.options.find((o) => o.names.includes('--emit'))!.values, [...EMIT_FORMATS]);
  assert.deepEqual(byPath('audit')!.options.find((o) => o.names.includes('--fail-on'))!.values!.sort(), [...SEVERITIES].sort());
  assert.deepEqual(byPath('setup')!.options.find((o) => o.names.includes('--role-chain'))!.values, ['session', 'direct'], "commander's own choices");
  assert.deepEqual(byPath('completion')!.choiceArgument, { position: 0, values: ['bash', 'zsh', 'fish'] });
});
