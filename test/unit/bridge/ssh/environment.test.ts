import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptsEnvName } from '../../../../runtime/bridge/ssh/environment';

test('env request accepts locale and other names', () => {
  for (const name of ['LANG', 'LC_ALL', 'LC_CTYPE', 'LANGUAGE', 'GIT_AUTHOR_NAME', 'TZ', 'my_var', '_X']) {
    assert.equal(acceptsEnvName(name), true, name);
  }
});

test('env request rejects names the session sets', () => {
  for (const name of ['HOME', 'PATH', 'SHELL', 'USER', 'LOGNAME', 'MAIL', 'TERM']) {
    assert.equal(acceptsEnvName(name), false, name);
  }
});

test('env request rejects reserved prefixes', () => {
  for (const name of ['SSH_AUTH_SOCK', 'SSH_CONNECTION', 'DEVCONTAINER_SSH_COMMAND', 'LD_PRELOAD', 'LD_LIBRARY_PATH']) {
    assert.equal(acceptsEnvName(name), false, name);
  }
});

test('env request rejects invalid names', () => {
  for (const name of ['', '1ABC', 'A-B', 'A=B', 'A B', 'LANG\n']) {
    assert.equal(acceptsEnvName(name), false, JSON.stringify(name));
  }
});
