import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { configMetadata, mergeMetadata, readMetadataLabel } from '../../../runtime/config/metadata';

test('merge takes the last single value', () => {
  const merged = mergeMetadata([
    { remoteUser: 'image-user', containerUser: 'c1', userEnvProbe: 'loginShell' },
    { id: 'feature', remoteUser: 'feature-user' },
    { remoteUser: 'config-user', waitFor: 'postCreateCommand' },
  ]);
  assert.equal(merged.remoteUser, 'config-user');
  assert.equal(merged.containerUser, 'c1');
  assert.equal(merged.userEnvProbe, 'loginShell');
  assert.equal(merged.waitFor, 'postCreateCommand');
});

test('merge combines remoteEnv, later wins', () => {
  const merged = mergeMetadata([{ remoteEnv: { A: '1', B: '1' } }, { remoteEnv: { B: '2', C: null } }]);
  assert.deepEqual(merged.remoteEnv, { A: '1', B: '2', C: null });
});

test('merge keeps lifecycle commands in order with origin', () => {
  const merged = mergeMetadata([
    { postCreateCommand: 'image' },
    { id: 'node', postCreateCommand: ['feature'] },
    { postCreateCommand: { a: 'x', b: 'y' }, onCreateCommand: '' },
  ]);
  assert.deepEqual(merged.lifecycle.postCreateCommand, [
    { command: 'image', origin: 'image metadata' },
    { command: ['feature'], origin: 'Feature "node"' },
    { command: { a: 'x', b: 'y' }, origin: 'devcontainer.json' },
  ]);
  assert.deepEqual(merged.lifecycle.onCreateCommand, [], 'empty commands are dropped');
});

test('metadata label parses array and object forms', () => {
  assert.deepEqual(readMetadataLabel({ 'devcontainer.metadata': '[{"remoteUser":"a"}]' }), [{ remoteUser: 'a' }]);
  assert.deepEqual(readMetadataLabel({ 'devcontainer.metadata': '{"remoteUser":"a"}' }), [{ remoteUser: 'a' }]);
  assert.deepEqual(readMetadataLabel({ 'devcontainer.metadata': 'not json' }), []);
  assert.deepEqual(readMetadataLabel(undefined), []);
});

test('config metadata keeps only metadata properties', () => {
  const entry = configMetadata({ image: 'x', remoteUser: 'u', postStartCommand: 'p', initializeCommand: 'i', name: 'n' });
  assert.deepEqual(entry, { remoteUser: 'u', postStartCommand: 'p' });
});
