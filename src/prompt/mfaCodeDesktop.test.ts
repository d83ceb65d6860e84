import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desktopPrompt, dialogArguments } from './mfaCodeDesktop.js';

test('which dialog: zenity, then kdialog, only under a display; osascript on macOS, PowerShell on Windows; the setting picks or turns off', () => {
  const bin = mkdtempSync(join(tmpdir(), 'rolegate-dialogs-'));
  try {
    const zenityOnly = join(bin, 'z');
    const kdialogOnly = join(bin, 'k');
    for (const [dir, name] of [[zenityOnly, 'zenity'], [kdialogOnly, 'kdialog']] as const) {
      mkdirSync(dir);
      writeFileSync(join(dir, name), '#!/bin/sh\n');
      chmodSync(join(dir, name), 0o755);
    }
    const both = `${zenityOnly}:${kdialogOnly}`;
    assert.equal(desktopPrompt({ PATH: both, DISPLAY: ':1' }, 'linux'), 'zenity');
    assert.equal(desktopPrompt({ PATH: both, WAYLAND_DISPLAY: 'wayland-0' }, 'linux'), 'zenity');
    assert.equal(desktopPrompt({ PATH: kdialogOnly, DISPLAY: ':1' }, 'linux'), 'kdialog');
    assert.equal(desktopPrompt({ PATH: both, DISPLAY: ':1', ROLEGATE_MFA_PROMPT: 'kdialog' }, 'linux'), 'kdialog');
    assert.equal(desktopPrompt({ PATH: both }, 'linux'), undefined, 'no display');
    assert.equal(desktopPrompt({ PATH: both, DISPLAY: ':1', ROLEGATE_MFA_PROMPT: 'off' }, 'linux'), undefined);
    assert.equal(desktopPrompt({ PATH: '/nonexistent', DISPLAY: ':1' }, 'linux'), undefined, 'none installed');
    assert.equal(desktopPrompt({ PATH: '' }, 'darwin'), 'osascript');
    assert.equal(desktopPrompt({ PATH: '' }, 'win32'), 'powershell');
    assert.equal(desktopPrompt({ PATH: '', ROLEGATE_MFA_PROMPT: 'zenity' }, 'darwin'), undefined);
    assert.throws(() => desktopPrompt({ ROLEGATE_MFA_PROMPT: 'popup' }, 'linux'), /ROLEGATE_MFA_PROMPT=popup is not a prompt rolegate knows/);
    // the profile's rolegate_mfa_prompt, unless the environment says otherwise
    assert.equal(desktopPrompt({ PATH: both, DISPLAY: ':1' }, 'linux', 'off'), undefined);
    assert.equal(desktopPrompt({ PATH: both, DISPLAY: ':1' }, 'linux', 'kdialog'), 'kdialog');
    assert.equal(desktopPrompt({ PATH: both, DISPLAY: ':1', ROLEGATE_MFA_PROMPT: 'zenity' }, 'linux', 'off'), 'zenity');
    assert.throws(() => desktopPrompt({ PATH: both }, 'linux', 'popup'), /rolegate_mfa_prompt=popup/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

test('the question reaches each dialog: zenity as escaped markup, osascript and PowerShell through the environment only', () => {
  const text = 'MFA code for profile a&b<c>';
  const [zenity, zenityArgs] = dialogArguments('zenity', text);
  assert.equal(zenity, 'zenity');
  assert.equal(zenityArgs[zenityArgs.indexOf('--text') + 1], 'MFA code for profile a&amp;b&lt;c&gt;');
  assert.ok(dialogArguments('kdialog', text)[1].includes(text));
  for (const kind of ['osascript', 'powershell'] as const) {
    const [, args] = dialogArguments(kind, text);
    assert.ok(!args.join(' ').includes('profile a'), `${kind} reads ROLEGATE_PROMPT_TEXT`);
    assert.match(args.join(' '), /ROLEGATE_PROMPT_TEXT/);
  }
});
