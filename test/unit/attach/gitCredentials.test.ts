import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { credentialHelperValue, describeTarget, shellQuote } from '../../../runtime/attach/gitCredentials';

test('shell quote survives a real shell', () => {
  for (const value of ["plain", "it's", "a b", '$HOME `x` "q"', "''"]) {
    const output = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
    assert.equal(output, value);
  }
});

test('credential helper is silent once the relay is gone', () => {
  const value = credentialHelperValue('/opt/node', "/tmp/devcontainer-relay-x/git-credential.js");
  assert.ok(value.startsWith('!'));
  assert.match(value, /devcontainer-relay-/);
  // Git runs the value after `!` through the shell with the action appended;
  // execFileSync raises if the exit status is not 0.
  const output = execFileSync('/bin/sh', ['-c', `${value.slice(1)} get`], { encoding: 'utf8' });
  assert.equal(output, '');
});

test('credential target has no secret', () => {
  const target = describeTarget('protocol=https\nhost=example.com\nusername=me\npassword=hunter22\n');
  assert.equal(target, 'https://example.com');
});
