import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { extensionsToInstall, installedExtensionsPath } from '../../../runtime/attach/extensions';

test('extensions to install skip recorded ones', () => {
  assert.deepEqual(extensionsToInstall(['A.b', 'c.d', '/tmp/x.vsix'], ['a.b']), ['c.d', '/tmp/x.vsix']);
});

test('extensions to install: empty record', () => {
  assert.deepEqual(extensionsToInstall(['a.b'], []), ['a.b']);
});

test('extensions record path', () => {
  assert.equal(installedExtensionsPath('.vscode-server'), '~/.vscode-server/data/Machine/.devcontainer-installed-extensions.json');
});
