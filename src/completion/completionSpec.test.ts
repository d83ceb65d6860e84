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
