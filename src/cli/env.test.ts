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
