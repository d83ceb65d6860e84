import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { detectFormat, renderEnv } from './env.js';

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
