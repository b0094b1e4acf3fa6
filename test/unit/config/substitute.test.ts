import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  computeDevcontainerId,
  substituteContainerEnv,
  substituteDeep,
  substituteString,
} from '../../../runtime/config/substitute';

const variables = {
  localWorkspaceFolder: '/home/me/My Proj, v2',
  containerWorkspaceFolder: '/workspaces/My Proj, v2',
  devcontainerId: 'abc123',
  env: { HOME: '/home/me', EMPTY: '' } as NodeJS.ProcessEnv,
};

test('substitute workspace folder variables', () => {
  assert.equal(substituteString('${localWorkspaceFolder}', variables), '/home/me/My Proj, v2');
  assert.equal(substituteString('${localWorkspaceFolderBasename}', variables), 'My Proj, v2');
  assert.equal(substituteString('${containerWorkspaceFolder}/x', variables), '/workspaces/My Proj, v2/x');
  assert.equal(substituteString('${containerWorkspaceFolderBasename}', variables), 'My Proj, v2');
  assert.equal(substituteString('id=${devcontainerId}', variables), 'id=abc123');
});

test('substitute localEnv with and without default', () => {
  assert.equal(substituteString('${localEnv:HOME}', variables), '/home/me');
  assert.equal(substituteString('${env:HOME}', variables), '/home/me');
  assert.equal(substituteString('${localEnv:MISSING}', variables), '');
  assert.equal(substituteString('${localEnv:MISSING:fallback}', variables), 'fallback');
  assert.equal(substituteString('${localEnv:EMPTY:fallback}', variables), '');
});

test('substitute default containing colons', () => {
  assert.equal(substituteString('${localEnv:MISSING:http://h:8080/x}', variables), 'http://h:8080/x');
});

test('substitute leaves unknown variables', () => {
  assert.equal(substituteString('${containerEnv:PATH}:${unknown}', variables), '${containerEnv:PATH}:${unknown}');
});

test('substitute walks objects, arrays and keys', () => {
  const result = substituteDeep({ a: ['${localEnv:HOME}', 1, true, null], '${localEnv:HOME}': { b: '${devcontainerId}' } }, variables);
  assert.deepEqual(result, { a: ['/home/me', 1, true, null], '/home/me': { b: 'abc123' } });
});

test('substitute containerEnv in remoteEnv values', () => {
  const env = { PATH: '/usr/bin:/bin' };
  assert.equal(substituteContainerEnv('${containerEnv:PATH}:/opt/x', env), '/usr/bin:/bin:/opt/x');
  assert.equal(substituteContainerEnv('${containerEnv:NOPE:a:b}', env), 'a:b');
  assert.equal(substituteContainerEnv('${localEnv:HOME}', env), '${localEnv:HOME}');
});

test('devcontainerId is stable and 52 characters', () => {
  const labels = { 'devcontainer.local_folder': '/w', 'devcontainer.config_file': '/w/.devcontainer/devcontainer.json' };
  const id = computeDevcontainerId(labels);
  assert.equal(id.length, 52);
  assert.match(id, /^[0-9a-v]+$/);
  assert.equal(computeDevcontainerId({ ...labels }), id);
  assert.notEqual(computeDevcontainerId({ ...labels, 'devcontainer.local_folder': '/x' }), id);
});
