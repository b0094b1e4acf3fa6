import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { machineSettingsPath, mergeSettingsText } from '../../../runtime/attach/settings';

function merged(existing: string | undefined, settings: Record<string, unknown>): unknown {
  const result = mergeSettingsText(existing, settings);
  assert.ok('text' in result, JSON.stringify(result));
  return JSON.parse(result.text);
}

test('settings text: new file', () => {
  assert.deepEqual(merged(undefined, { 'editor.tabSize': 2 }), { 'editor.tabSize': 2 });
});

test('settings text: empty file', () => {
  assert.deepEqual(merged('  \n', { a: 1 }), { a: 1 });
});

test('settings text keeps foreign keys', () => {
  const result = merged('{ "mine": true, "editor.tabSize": 8 }', { 'editor.tabSize': 2, 'files.eol': '\n' });
  assert.deepEqual(result, { mine: true, 'editor.tabSize': 2, 'files.eol': '\n' });
});

test('settings text keeps comments', () => {
  const result = mergeSettingsText('{\n  // keep me\n  "mine": 1,\n}\n', { other: { nested: [1, 2] } });
  assert.ok('text' in result);
  assert.match(result.text, /\/\/ keep me/);
  assert.match(result.text, /"other"/);
});

test('settings text replaces a whole object value', () => {
  const result = merged('{ "remote.portsAttributes": { "1": { "label": "old" } } }', {
    'remote.portsAttributes': { '2': { label: 'new' } },
  });
  assert.deepEqual(result, { 'remote.portsAttributes': { '2': { label: 'new' } } });
});

test('settings text: invalid JSON', () => {
  const result = mergeSettingsText('{ "a": ', { b: 1 });
  assert.deepEqual(result, { invalid: 'it is not valid JSON' });
});

test('settings text: not an object', () => {
  const result = mergeSettingsText('[1, 2]', { b: 1 });
  assert.deepEqual(result, { invalid: 'it does not contain a JSON object' });
});

test('settings path below the server data folder', () => {
  assert.equal(machineSettingsPath('.vscode-server'), '~/.vscode-server/data/Machine/settings.json');
});
