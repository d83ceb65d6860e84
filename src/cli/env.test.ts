import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { detectFormat, renderEnv, renewCommand } from './env.js';

const TRICKY = { A_PLAIN: 'abc/DEF+ghi=', B_QUOTES: `it's "quoted" \\ $HOME \`x\``, C_FISH: "back\\slash'n" };

for (const shell of ['bash', 'zsh', 'fish'] as const) {
  test(`renderEnv(${shell}) survives the shell's own parser byte for byte`, (t) => {
    if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) return t.skip(`${shell} is not installed`);
    const script = renderEnv(TRICKY, shell) + Object.keys(TRICKY).map((k) => `printf '%s\\n' "$${k}"`).join('; ');
    const result = spawnSync(shell, ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n').slice(0, -1), Object.values(TRICKY));
  });
}

test('powershell, dotenv and json renderings', () => {
  assert.equal(renderEnv({ A: "it's" }, 'powershell'), "$Env:A = 'it''s'\n");
  assert.equal(renderEnv({ A: 'x', B: 'y' }, 'dotenv'), 'A=x\nB=y\n');
  assert.deepEqual(JSON.parse(renderEnv(TRICKY, 'json')), TRICKY);
});

test('the default format follows $SHELL', () => {
  assert.equal(detectFormat({ SHELL: '/usr/bin/fish' }), 'fish');
  assert.equal(detectFormat({ SHELL: '/bin/zsh' }), 'zsh');
  assert.equal(detectFormat({ SHELL: '/bin/bash' }), 'bash');
  assert.equal(detectFormat({ SHELL: '/usr/bin/pwsh' }), 'powershell');
});

for (const shell of ['bash', 'zsh', 'fish'] as const) {
  test(`renderEnv(${shell}) unsets AWS_PROFILE and AWS_DEFAULT_PROFILE, set or not, and still ends with status 0`, (t) => {
    if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) return t.skip(`${shell} is not installed`);
    const rendered = renderEnv({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE' }, shell, ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']);
    const check = `echo "[$AWS_PROFILE][$AWS_DEFAULT_PROFILE][$AWS_ACCESS_KEY_ID]"`;
    for (const env of [{ AWS_PROFILE: 'readonly', AWS_DEFAULT_PROFILE: 'readonly' }, {}]) {
      const script = shell === 'fish' ? `${rendered.replace(/\n/g, ' ')} and ${check}` : `${rendered} ${check}`;
      const result = spawnSync(shell, ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env } });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), '[][][ASIAEXAMPLE]');
    }
  });
}

test('powershell removes the profile variables; dotenv and json have nothing to unset', () => {
  assert.equal(renderEnv({ A: 'x' }, 'powershell', ['AWS_PROFILE']), "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n$Env:A = 'x'\n");
  assert.equal(renderEnv({ A: 'x' }, 'dotenv', ['AWS_PROFILE']), 'A=x\n');
  assert.deepEqual(JSON.parse(renderEnv({ A: 'x' }, 'json', ['AWS_PROFILE'])), { A: 'x' });
});

test("powershell: every one of PowerShell's single quotes (' and U+2018..U+201B) is doubled, so none ends the string", () => {
  const value = "a'b\u2018c\u2019d\u201ae\u201bf";
  const rendered = renderEnv({ A: value }, 'powershell');
  assert.equal(rendered, "$Env:A = 'a''b\u2018\u2018c\u2019\u2019d\u201a\u201ae\u201b\u201bf'\n");
  // read back as PowerShell does: inside '...', a doubled quote character stands for one
  const body = rendered.slice("$Env:A = '".length, -2);
  assert.doesNotMatch(body.replace(/(['\u2018-\u201b])\1/g, ''), /['\u2018-\u201b]/, 'no lone quote character is left to end the string');
  assert.equal(body.replace(/(['\u2018-\u201b])\1/g, '$1'), value);
});

test('dotenv and json refuse a value with a newline; dotenv also one a dotenv reader would not take literally', () => {
  assert.throws(() => renderEnv({ AWS_REGION: 'us-east-1\nLD_PRELOAD=/tmp/evil.so' }, 'dotenv'), /AWS_REGION cannot be written safely in dotenv/);
  assert.throws(() => renderEnv({ AWS_REGION: 'us-east-1\nLD_PRELOAD=/tmp/evil.so' }, 'json'), /AWS_REGION cannot be written safely in json/);
  assert.throws(() => renderEnv({ ROLEGATE_PROFILE: 'a $(b) #c' }, 'dotenv'), /ROLEGATE_PROFILE/);
  assert.equal(renderEnv({ A: 'abc/DEF+ghi=', B: '2026-01-01T00:00:00Z' }, 'dotenv'), 'A=abc/DEF+ghi=\nB=2026-01-01T00:00:00Z\n');
});

test('the renewal hint quotes the profile for its shell: evaluated, it passes the name as one word and runs nothing', (t) => {
  const name = `$(touch /nonexistent/ran) it's`;
  assert.equal(renewCommand('admin', 'bash'), 'eval "$(rolegate env admin)"');
  for (const shell of ['bash', 'fish'] as const) {
    if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) {
      t.diagnostic(`${shell} is not installed`);
      continue;
    }
    // a stand-in rolegate that prints its arguments as a command that echoes them
    const stub = shell === 'fish' ? `function rolegate; for a in $argv; printf 'echo %s;' (string escape -- $a); end; end; ` : `rolegate() { for a in "$@"; do printf 'echo %q;' "$a"; done; }; `;
    const result = spawnSync(shell, ['-c', stub + renewCommand(name, shell)], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n').filter(Boolean), ['env', name, ...(shell === 'fish' ? ['--format', 'fish'] : [])], shell);
  }
});
