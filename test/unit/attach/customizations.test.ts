import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergedConfiguration } from '../../../runtime/config/merged';
import { machineSettings, mergeVscodeExtensions, mergeVscodeSettings, vscodeCustomizations } from '../../../runtime/attach/customizations';

test('settings merge: later entry wins per key', () => {
  const settings = mergeVscodeSettings([
    { settings: { 'editor.tabSize': 8, 'files.eol': '\n' } },
    { settings: { 'editor.tabSize': 2 } },
  ]);
  assert.deepEqual(settings, { 'editor.tabSize': 2, 'files.eol': '\n' });
});

test('settings merge ignores entries without settings', () => {
  assert.deepEqual(mergeVscodeSettings([{ extensions: ['a.b'] }, { settings: 'not an object' }]), {});
});

test('extensions merge: dedupe ignores case', () => {
  const extensions = mergeVscodeExtensions([
    { extensions: ['ms-python.python', 'dbaeumer.vscode-eslint'] },
    { extensions: ['MS-Python.Python', 'golang.go'] },
  ]);
  assert.deepEqual(extensions, ['ms-python.python', 'dbaeumer.vscode-eslint', 'golang.go']);
});

test('extensions merge: -id removes an earlier one', () => {
  const extensions = mergeVscodeExtensions([
    { extensions: ['ms-python.python', 'dbaeumer.vscode-eslint'] },
    { extensions: ['-DBAEUMER.vscode-eslint', '-not.present'] },
  ]);
  assert.deepEqual(extensions, ['ms-python.python']);
});

test('extensions merge: a later entry adds a removed id again', () => {
  const extensions = mergeVscodeExtensions([{ extensions: ['a.b'] }, { extensions: ['-a.b'] }, { extensions: ['A.B'] }]);
  assert.deepEqual(extensions, ['A.B']);
});

test('extensions merge skips blank and non-string items', () => {
  assert.deepEqual(mergeVscodeExtensions([{ extensions: ['', ' ', 3, ' a.b '] }]), ['a.b']);
});

test('customizations of a merged configuration', () => {
  const merged = mergedConfiguration(
    { image: 'x', customizations: { vscode: { settings: { a: 'config' }, extensions: ['-image.ext'] } } },
    [
      { customizations: { vscode: { settings: { a: 'image', b: 'image' }, extensions: ['image.ext', 'other.ext'] } } },
      { customizations: { vscode: { settings: { a: 'config' }, extensions: ['-image.ext'] } } },
    ],
  );
  const entries = vscodeCustomizations(merged);
  assert.equal(entries.length, 2);
  assert.deepEqual(mergeVscodeSettings(entries), { a: 'config', b: 'image' });
  assert.deepEqual(mergeVscodeExtensions(entries), ['other.ext']);
});

test('customizations of an unmerged configuration', () => {
  const entries = vscodeCustomizations({ customizations: { vscode: { extensions: ['a.b'] } } });
  assert.deepEqual(entries, [{ extensions: ['a.b'] }]);
});

test('machine settings carry ports attributes', () => {
  const settings = machineSettings({
    portsAttributes: { '3000': { label: 'web', onAutoForward: 'notify', requireLocalPort: true } },
    otherPortsAttributes: { onAutoForward: 'ignore' },
    customizations: { vscode: [{ settings: { 'editor.tabSize': 2 } }] },
  });
  assert.deepEqual(settings, {
    'remote.portsAttributes': { '3000': { label: 'web', onAutoForward: 'notify', requireLocalPort: true } },
    'remote.otherPortsAttributes': { onAutoForward: 'ignore' },
    'editor.tabSize': 2,
  });
});

test('machine settings skip empty ports attributes', () => {
  assert.deepEqual(machineSettings({ portsAttributes: {} }), {});
});

test('machine settings: vscode settings win over ports attributes', () => {
  const settings = machineSettings({
    portsAttributes: { '3000': { label: 'web' } },
    customizations: { vscode: [{ settings: { 'remote.portsAttributes': { '8080': { label: 'api' } } } }] },
  });
  assert.deepEqual(settings['remote.portsAttributes'], { '8080': { label: 'api' } });
});
