import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsoncObject } from '../../../runtime/config/jsonc';
import { validateConfig } from '../../../runtime/config/validate';
import { ConfigurationError } from '../../../runtime/errors';

const file = '/w/.devcontainer/devcontainer.json';

function check(text: string): ConfigurationError | undefined {
  try {
    validateConfig(parseJsoncObject(text, file), text, file);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error;
  }
}

test('validate accepts a typical config', () => {
  assert.equal(check('{ "image": "debian", "forwardPorts": [3000, "db:5432"], "mounts": [{ "type": "volume", "source": "v", "target": "/v" }] }'), undefined);
});

const invalid: { name: string; text: string; jsonPath: string; line: number; column: number; message: RegExp }[] = [
  { name: 'wrong type', text: '{\n  "image": 5\n}', jsonPath: 'image', line: 2, column: 12, message: /expected a string/ },
  { name: 'wrong map type', text: '{ "image": "x", "containerEnv": [] }', jsonPath: 'containerEnv', line: 1, column: 33, message: /expected an object/ },
  { name: 'bad enum', text: '{ "image": "x",\n "shutdownAction": "bogus" }', jsonPath: 'shutdownAction', line: 2, column: 20, message: /expected one of "none", "stopContainer", "stopCompose"/ },
  { name: 'unknown build key', text: '{ "build": { "dockerfile": "D", "dockerfle": "E" } }', jsonPath: 'build.dockerfle', line: 1, column: 33, message: /unknown property "dockerfle"/ },
  { name: 'nested array item', text: '{ "image": "x", "mounts": [5] }', jsonPath: 'mounts[0]', line: 1, column: 28, message: /expected/ },
  { name: 'missing source', text: '{ "name": "x" }', jsonPath: '', line: 1, column: 1, message: /missing container source/ },
  { name: 'compose without service', text: '{ "dockerComposeFile": "a.yml" }', jsonPath: '', line: 1, column: 1, message: /"dockerComposeFile" also needs "service"/ },
];

for (const entry of invalid) {
  test(`validate rejects ${entry.name}`, () => {
    const error = check(entry.text);
    assert.ok(error, 'expected a ConfigurationError');
    assert.equal(error.location?.jsonPath, entry.jsonPath);
    assert.equal(error.location?.line, entry.line);
    assert.equal(error.location?.column, entry.column);
    assert.match(error.message, entry.message);
    assert.ok(error.message.includes(file));
  });
}
