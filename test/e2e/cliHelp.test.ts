// Every command's --help, as a person runs it, in one style: commander's `Usage: rolegate ...` line,
// a description that starts with a verb in the imperative, the options, and examples; an option a
// command cannot run without is marked "(required)" and named in the usage line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { makeSandbox } from '../harness/sandbox.js';
import { runRolegate } from '../harness/run.js';

/** Every visible command and subcommand, as the words that name it. */
function commandPaths(command: Command, prefix: string[] = []): { path: string[]; command: Command }[] {
  const visible = command.createHelp().visibleCommands(command).filter((c) => c.name() !== 'help');
  return visible.flatMap((c) => [{ path: [...prefix, c.name()], command: c }, ...commandPaths(c, [...prefix, c.name()])]);
}

const commands = commandPaths(buildProgram());

test('the command list is complete (every registered command, config subcommands too)', () => {
  const names = commands.map((c) => c.path.join(' '));
  for (const name of ['setup', 'teardown', 'credential-process', 'import', 'config get', 'config set', 'config unset', 'completion']) assert.ok(names.includes(name), name);
});

for (const { path, command } of commands) {
  const name = path.join(' ');
  test(`rolegate ${name} --help: usage, an imperative description, examples, required options marked`, async () => {
    const box = makeSandbox();
    try {
      const r = await runRolegate([...path, '--help'], { env: box.env });
      assert.equal(r.code, 0, r.stderr);
      const help = r.stdout;
      const usage = help.split('\n')[0]!;
      assert.ok(usage.startsWith(`Usage: rolegate ${name} `), usage);
      const description = help.split('\n\n')[1] ?? '';
      const verb = /^[^\s,:;.]*/.exec(description)![0];
      assert.match(verb, /^[A-Z][a-z-]*$/, `the description starts with a verb: ${description.slice(0, 60)}`);
      assert.doesNotMatch(verb, /[^s]s$/, `the verb is imperative, as in every other command: ${verb}`);
      assert.match(help, /\nOptions:\n/);
      const examples = /\nExamples:\n((?: {2}.*\n?)+)/.exec(help);
      assert.ok(examples, `an Examples section in rolegate ${name} --help`);
      assert.ok(
        examples[1]!.split('\n').some((line) => /^ {2}(\$|PS>) /.test(line) && line.includes(`rolegate ${name}`)),
        `an example runs rolegate ${name}:\n${examples[1]}`,
      );
      for (const option of command.options.filter((o) => o.mandatory)) {
        const line = help.split('\n').find((l) => l.trimStart().startsWith(option.flags));
        assert.match(line ?? '', /\(required\)/, `${option.flags} is marked required`);
        assert.ok(usage.includes(option.flags), `${option.flags} is in the usage line: ${usage}`);
      }
      assert.doesNotMatch(help, /^usage:/m, 'no hand-written usage line');
    } finally {
      box.cleanup();
    }
  });
}

test('import --help says --store is required; credential-process --help reads as one sentence about MFA codes', async () => {
  const box = makeSandbox();
  try {
    const imp = await runRolegate(['import', '--help'], { env: box.env });
    assert.match(imp.stdout, /^Usage: rolegate import --store <kind> \[options\] \[profile\]/);
    assert.match(imp.stdout, /--store <kind>\s+keychain \| file \(required\)/);
    const cp = await runRolegate(['credential-process', '--help'], { env: box.env });
    assert.equal(cp.code, 0, cp.stderr);
    assert.match(cp.stdout, /^Usage: rolegate credential-process \[options\] <profile>/);
    assert.doesNotMatch(cp.stdout, /code after one/);
    assert.match(cp.stdout.replace(/\s+/g, ' '), /A call that carries an MFA code is never sent again with the same code/);
  } finally {
    box.cleanup();
  }
});
