import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { canUseSpareShell, spareShellExports } from '../../../../runtime/bridge/ssh/spareShell';

/** Evaluates the exports line as session-shell.sh does, in /bin/sh, and returns the variable's value. */
function evaluate(line: string, name: string): string {
  const script = `nl='\n'\nIFS= read -r request_exports || exit 9\neval "$request_exports"\nprintf '%s' "$${name}"`;
  const result = spawnSync('/bin/sh', ['-c', script], { input: `${line}\nrest of stdin\n`, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test('spare shell exports keep values exact', () => {
  const values = ["it's", 'two\nlines', 'ends with newline\n', '\n', '$HOME `id` $(id) \\ \\n', '"double"', '', 'tab\there', "''", 'ümlaut ✓'];
  for (const value of values) {
    const line = spareShellExports({ LC_TEST: value }, undefined);
    assert.ok(!line.includes('\n'), `one line for ${JSON.stringify(value)}`);
    assert.equal(evaluate(line, 'LC_TEST'), value, JSON.stringify(value));
  }
});

test('spare shell exports carry the command', () => {
  const command = "printf '%s\\n' \"$1\"\necho second";
  const line = spareShellExports({ LANG: 'C.UTF-8' }, command);
  assert.equal(evaluate(line, 'DEVCONTAINER_SSH_COMMAND'), command);
  assert.equal(evaluate(line, 'LANG'), 'C.UTF-8');
});

test('spare shell exports without variables', () => {
  assert.equal(spareShellExports({}, undefined), ':');
});

test('spare shell serves exec and shell without pty', () => {
  assert.equal(canUseSpareShell({ command: 'true', env: {} }), true);
  assert.equal(canUseSpareShell({ env: { LANG: 'C' } }), true);
});

test('spare shell refuses pty, argv and NUL', () => {
  assert.equal(canUseSpareShell({ command: 'true', env: {}, pty: { term: 'xterm', columns: 80, rows: 24 } }), false);
  assert.equal(canUseSpareShell({ argv: ['/usr/lib/openssh/sftp-server'], env: {} }), false);
  assert.equal(canUseSpareShell({ command: 'a\0b', env: {} }), false);
  assert.equal(canUseSpareShell({ command: 'true', env: { LC_X: 'a\0b' } }), false);
});
